# Installs the build into PREFIX and runs the installed reid-check with the built-in population
# table: it must be installed, and found beside the executable (docs/population-table.md).
# Run by ctest as install_population_table.
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${PREFIX}
  RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
get_filename_component(prefix_real ${PREFIX} REALPATH)
set(table ${prefix_real}/share/reid-check/uk-census-2011.csv)
if(NOT EXISTS ${table})
  message(FATAL_ERROR "${table} was not installed")
endif()
execute_process(COMMAND ${PREFIX}/bin/reid-check --population-table uk-census-2011
                        --qi postcode,sex,age -f json ${SRC}/data/sample-extract.csv
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the installed reid-check failed (${rc}): ${err}")
endif()
string(FIND "${out}" "\"file\": \"${prefix_real}/bin/../share/reid-check/uk-census-2011.csv\"" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the installed reid-check did not read ${table}: ${out}")
endif()
