#include "page_cache.hpp"

#include <functional>
#include <iterator>

namespace shop::catalog {
namespace {

constexpr std::size_t kShards = 16;
// What an entry costs beyond its key and body: the list node, the index node, the strings' own
// headers. Counted so that max_bytes bounds the memory the cache really holds.
constexpr std::size_t kEntryOverhead = 160;

}  // namespace

PageCache::PageCache(std::size_t max_bytes, std::chrono::milliseconds ttl)
    : shard_budget_(max_bytes / kShards), ttl_(ttl) {
  for (std::size_t i = 0; i < kShards; ++i) shards_.push_back(std::make_unique<Shard>());
}

PageCache::Shard& PageCache::shard_of(std::string_view key) {
  return *shards_[std::hash<std::string_view>{}(key) % kShards];
}

std::size_t PageCache::cost(const Entry& entry) {
  return entry.key.size() + entry.body.size() + kEntryOverhead;
}

void PageCache::erase(Shard& shard, std::list<Entry>::iterator at) {
  shard.bytes -= cost(*at);
  shard.index.erase(at->key);
  shard.entries.erase(at);
}

std::optional<std::string> PageCache::find(std::string_view key) {
  if (!enabled_.load()) return std::nullopt;
  auto& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  const auto found = shard.index.find(key);
  if (found == shard.index.end()) return std::nullopt;
  const auto at = found->second;
  if (std::chrono::steady_clock::now() - at->stored_at > ttl_) {
    erase(shard, at);
    return std::nullopt;
  }
  at->referenced = true;
  return at->body;
}

std::optional<PageCache::Generation> PageCache::begin_fill() const {
  // The generation before the switch: the clear() that precedes switching the cache on advances
  // it, so a fill begun before that clear carries an old generation and is dropped.
  const auto generation = generation_.load();
  if (!enabled_.load()) return std::nullopt;
  return generation;
}

void PageCache::fill(Generation since, std::string key, std::string body) {
  Entry entry{std::move(key), std::move(body), std::chrono::steady_clock::now()};
  const auto entry_cost = cost(entry);
  if (entry_cost > shard_budget_) return;
  auto& shard = shard_of(entry.key);
  std::lock_guard lock(shard.mutex);
  // Checked under the shard's lock, which evict() and clear() take after advancing the generation:
  // a fill that sees the old generation here is stored before they erase.
  if (generation_.load() != since || !enabled_.load()) return;
  if (const auto old = shard.index.find(entry.key); old != shard.index.end()) erase(shard, old->second);
  // Second chance: the oldest entry goes unless it was read since it last came round, in which case
  // it starts again at the front. A hit only sets a flag; moving the entry to the front there instead
  // (LRU) wrote to its neighbours' nodes on every read, cache misses a random read pays for.
  while (!shard.entries.empty() && shard.bytes + entry_cost > shard_budget_) {
    const auto oldest = std::prev(shard.entries.end());
    if (oldest->referenced) {
      oldest->referenced = false;
      shard.entries.splice(shard.entries.begin(), shard.entries, oldest);
    } else {
      erase(shard, oldest);
    }
  }
  shard.entries.push_front(std::move(entry));
  shard.index.emplace(shard.entries.front().key, shard.entries.begin());
  shard.bytes += entry_cost;
}

void PageCache::evict(std::string_view key) {
  ++generation_;
  auto& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  if (const auto found = shard.index.find(key); found != shard.index.end()) erase(shard, found->second);
}

void PageCache::clear() {
  ++generation_;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    shard->index.clear();
    shard->entries.clear();
    shard->bytes = 0;
  }
}

void PageCache::set_enabled(bool enabled) {
  enabled_ = enabled;
}

std::size_t PageCache::bytes() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    total += shard->bytes;
  }
  return total;
}

std::size_t PageCache::size() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    total += shard->index.size();
  }
  return total;
}

}  // namespace shop::catalog
