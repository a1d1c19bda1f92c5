/* Every unit-test file exports one function that adds its CUnit suite. */
#ifndef IBIKI_TEST_SUITES_H
#define IBIKI_TEST_SUITES_H

#define SUITES(X)

#define DECLARE(name) void suite_##name(void);
SUITES(DECLARE)
#undef DECLARE

#endif
