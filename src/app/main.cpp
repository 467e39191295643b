// The `tern` binary: the command line decides what to do; `serve` runs the
// composition root (serve.cpp).
#include "app/serve.hpp"
#include "cli/cli.hpp"

int main(int argc, char** argv) {
    return tern::cli::run(argc, argv, tern::app::serve);
}
