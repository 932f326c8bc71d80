# SPDX-License-Identifier: MIT
# The warning set every capsim target links PRIVATE (STYLE G12).
add_library(cs_warnings INTERFACE)
target_compile_options(cs_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2
  -Wimplicit-fallthrough -Wvla -Wundef
  $<$<BOOL:${CS_WERROR}>:-Werror>)
