#include "support/project_migrations.hpp"
#include "support/temp_dir.hpp"

#include "shop/infra/db/migrator.hpp"

#include <filesystem>
#include <list>
#include <vector>

namespace shop::test {

void apply_project_migrations(const std::string& url) {
  // EmbeddedFile views its text; the list keeps each string in place while the migrator runs.
  std::list<std::string> texts;
  std::list<std::string> names;
  std::vector<infra::EmbeddedFile> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(SHOP_SOURCE_DIR) / "migrations")) {
    if (entry.path().extension() != ".sql") continue;
    texts.push_back(read_file(entry.path()));
    names.push_back(entry.path().filename().string());
    files.push_back({names.back(), texts.back()});
  }
  infra::db::Database db({.url = url, .pool_size = 1, .read_pool_size = 1});
  infra::db::Migrator migrator(db, infra::db::load_migrations(files));
  migrator.apply_pending();
}

}  // namespace shop::test
