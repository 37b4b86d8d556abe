#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// Response bodies by key, for the storefront's hot reads: bounded by bytes (the oldest entry not
// read since it was stored or last spared goes first: second chance, near LRU), each served for at
// most `ttl` after it was read from the database, and pruned when the database says something
// changed. Thread-safe: I/O threads read and fill it, the listener thread evicts. Shards keep the I/O
// threads from queueing on one lock.
//
// A fill races an eviction: a body read just before a change committed can arrive after the
// change's NOTIFY evicted its key. Every eviction advances the generation, and a fill begun in an
// earlier generation is dropped, so such a stale body is never stored.
namespace shop::catalog {

class PageCache {
 public:
  using Generation = std::uint64_t;

  PageCache(std::size_t max_bytes, std::chrono::milliseconds ttl);
  PageCache(const PageCache&) = delete;
  PageCache& operator=(const PageCache&) = delete;

  // The body under `key` if it is cached, younger than ttl, and the cache is on.
  std::optional<std::string> find(std::string_view key);
  // Taken before reading what fill() will store; nullopt while the cache is off.
  std::optional<Generation> begin_fill() const;
  // Stores `body` unless something was evicted or cleared since begin_fill() answered `since`.
  void fill(Generation since, std::string key, std::string body);

  void evict(std::string_view key);
  void clear();
  // Off: finds miss and fills are dropped (while the cache cannot hear of changes). Starts off.
  void set_enabled(bool enabled);

  // What the entries cost in all, as counted against max_bytes.
  std::size_t bytes() const;
  std::size_t size() const;

 private:
  struct Entry {
    std::string key;
    std::string body;
    std::chrono::steady_clock::time_point stored_at;
    bool referenced = false;  // read since stored or last spared
  };
  struct Shard {
    mutable std::mutex mutex;
    std::list<Entry> entries;                                                // newest or last spared first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index;  // views of Entry::key
    std::size_t bytes = 0;
  };

  Shard& shard_of(std::string_view key);
  static std::size_t cost(const Entry& entry);
  static void erase(Shard& shard, std::list<Entry>::iterator at);

  std::size_t shard_budget_;
  std::chrono::steady_clock::duration ttl_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<Generation> generation_{0};
  std::atomic<bool> enabled_{false};
};

}  // namespace shop::catalog
