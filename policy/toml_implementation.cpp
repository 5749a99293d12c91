// The one translation unit that compiles toml++ (TOML_IMPLEMENTATION, with
// TOML_HEADER_ONLY=0 for everyone: the multi6d_toml target in the top-level
// CMakeLists.txt says why it is not the shared library). multi6d calls only
// toml::parse() on text it has read itself (service/config_loader.cpp);
// the library's file functions are compiled but never called.
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
