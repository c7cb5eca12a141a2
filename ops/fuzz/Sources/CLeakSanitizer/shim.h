// LeakSanitizer's interface, from the compiler's resource directory; the fuzz targets are
// always linked with AddressSanitizer, which provides it.
#include <sanitizer/lsan_interface.h>
