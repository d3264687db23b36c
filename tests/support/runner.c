/* runner.c: the main() of every test binary. Runs all registered suites with CUnit's basic
 * interface and, when BC_TEST_RESULTS is set, writes the counts there for 'make check's
 * summary. Exits non-zero when any test failed. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>

#include "bc_test.h"

void bc_test_register_all(void);

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    bc_test_register_all();
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned suites = CU_get_number_of_suites_run();
    unsigned suites_failed = CU_get_number_of_suites_failed();
    unsigned tests = CU_get_number_of_tests_run();
    unsigned tests_failed = CU_get_number_of_tests_failed();
    unsigned asserts = CU_get_number_of_asserts();
    unsigned asserts_failed = CU_get_number_of_failures();
    const char *path = getenv("BC_TEST_RESULTS");
    if (path != NULL) {
        FILE *f = fopen(path, "w");
        if (f != NULL) {
            fprintf(f, "%u %u %u %u %u %u %u\n", suites, suites_failed, tests, tests_failed, asserts,
                    asserts_failed, bc_test_skipped());
            fclose(f);
        }
    }
    CU_cleanup_registry();
    if (bc_test_skipped() > 0)
        printf("\n%u test(s) SKIPPED: see 'SKIPPED:' above\n", bc_test_skipped());
    printf("\n");
    return tests_failed == 0 && suites_failed == 0 && tests > 0 ? 0 : 1;
}
