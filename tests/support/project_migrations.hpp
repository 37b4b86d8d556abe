#pragma once

#include <string>

namespace shop::test {

// Applies the repository's migrations/ (the files the binary embeds) to the database at `url`, with
// the real Migrator, so tests of infrastructure tables run against the schema shopd runs against.
void apply_project_migrations(const std::string& url);

}  // namespace shop::test
