// A directory under $TMPDIR (or /tmp) removed with everything in it when the
// object goes away. Tests use it for databases, keys and configuration files.
#pragma once

#include <filesystem>
#include <string>

namespace tern::testing {

class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string file(std::string_view name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

}  // namespace tern::testing
