# SPDX-License-Identifier: MIT
# A Debian package of what `cmake --install` installs (the program, its
# man page and bash completion, the AP profiles):
#   cmake --build --preset release && (cd build/release && cpack -G DEB)
# Its dependencies come from dpkg-shlibdeps (the libraries capsim links).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME capsim)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "capsim maintainers <capsim@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "CAPWAP/DTLS access-point join simulator")
set(CPACK_PACKAGE_DESCRIPTION
  "Simulates CAPWAP (RFC 5415) access points joining a controller over DTLS
(RFC 5416), runs a mock controller, impairs the path between them and
diagnoses where joins stop.  For labs.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# where the build said it installs (the release preset: /usr), since the
# program looks for its profiles there
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
include(CPack)
