#pragma once

#include <cstdint>
#include <string>

// A PostgreSQL cluster of a test's own, for tests that stop and restart the database (the shared
// throwaway cluster must stay up for everyone else). Uses scripts/pg.sh like the harness does.
namespace shop::test {

class PrivateCluster {
 public:
  PrivateCluster();   // initialises and starts it; a database `shopd` exists
  ~PrivateCluster();  // stops it and removes its directory
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;

  void stop();
  void start();
  std::string url() const;  // of the `shopd` database, as superuser
  std::uint16_t port() const { return port_; }

 private:
  std::string dir_;
  std::uint16_t port_ = 0;
};

}  // namespace shop::test
