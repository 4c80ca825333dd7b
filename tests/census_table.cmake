# Rebuilds data/reference/uk-census-2011.csv from the two census tables and checks that it is the
# file shipped, byte for byte (docs/population-table.md). Run by ctest as data_census_table.
execute_process(
  COMMAND ${GEN} ${SRC}/data/reference/uk_census2011_postcode_sector_age_KS102EW.csv
          ${SRC}/data/reference/uk_census2011_postcode_sector_population_KS101EW.csv ${OUT}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "make_census_table failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT} ${SRC}/data/reference/uk-census-2011.csv
  RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "data/reference/uk-census-2011.csv differs from what make_census_table builds")
endif()
