# The public headers from C++
#
#   make cxx-test   builds tests/cxx/cxx_test.cpp with g++ (C++11) and
#       clang++ (C++17) under -Wall -Wextra -Wpedantic -Wshadow -Werror,
#       links each against the host library through the headers' extern "C",
#       and runs both (part of make test).
CXX_TEST_FLAGS := -Wall -Wextra -Wpedantic -Wshadow -Werror $(INC) -O1
.PHONY: cxx-test

$(B)/cxx/cxx_test-gcc: tests/cxx/cxx_test.cpp $(LIB_HDRS) $(B)/host/libearlymem.a
	@mkdir -p $(@D)
	@echo "  CXXLD   $@"
	$(Q)g++ -std=c++11 $(CXX_TEST_FLAGS) $< $(B)/host/libearlymem.a -o $@

$(B)/cxx/cxx_test-clang: tests/cxx/cxx_test.cpp $(LIB_HDRS) $(B)/host/libearlymem.a
	@mkdir -p $(@D)
	@echo "  CXXLD   $@"
	$(Q)clang++ -std=c++17 $(CXX_TEST_FLAGS) $< $(B)/host/libearlymem.a -o $@

cxx-test: deps $(B)/cxx/cxx_test-gcc $(B)/cxx/cxx_test-clang
	$(Q)$(B)/cxx/cxx_test-gcc
	$(Q)$(B)/cxx/cxx_test-clang
