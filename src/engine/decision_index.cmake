# DecisionIndex (owned by the "index" engineer). Meant to be include()d from
# src/engine/CMakeLists.txt; bench/CMakeLists.txt includes it itself when the target is missing.
add_library(pim_decision_index ${CMAKE_CURRENT_LIST_DIR}/decision_index.cc)
target_link_libraries(pim_decision_index PUBLIC pim_core Threads::Threads)

pim_test(pim_decision_index_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/decision_index_test.cc
  DEPS pim_decision_index)
