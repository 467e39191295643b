# Helpers that keep every folder's CMakeLists.txt short and uniform.
#
# tern_library(NAME SOURCES a.cpp b.cpp DEPS other_lib PkgConfig::X)
#   A static library tern_NAME with src/ as its public include root.
# tern_unit_test(NAME SOURCES a_test.cpp DEPS tern_x)
#   A GoogleTest executable NAME registered with ctest under the label "unit".
#   Runs under the sanitizers when TERN_SANITIZE is on.

function(tern_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(tern_${name} STATIC ${ARG_SOURCES})
  target_include_directories(tern_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(tern_${name} PUBLIC tern_options ${ARG_DEPS})
endfunction()

function(tern_unit_test name)
  if(NOT TERN_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE tern_options ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT 600
    ENVIRONMENT "TERN_SOURCE_DIR=${PROJECT_SOURCE_DIR};TERN_TESTDATA=${PROJECT_SOURCE_DIR}/../shared/testdata")
endfunction()
