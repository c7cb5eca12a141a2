#ifndef TONGBAN_CLIBXML2_SHIM_H
#define TONGBAN_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, so <libxml/encoding.h> would pull the system's ICU headers into
   this module, and their C declarations (UErrorCode, ...) clash with Foundation's own ICU copy
   (_FoundationICU) in every Swift module that sees both: "'UErrorCode' has different definitions
   in different modules". Tongban never uses ICU nor the fields of xmlCharEncodingHandler, so the
   headers are read as if libxml2 had no ICU; the only difference is that struct's two trailing
   ICU pointers, which Swift code never allocates or reads. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlschemastypes.h>
#include <libxml/xmlsave.h>
#include <libxml/encoding.h>

/* libxml2's default generic error handler prints to stderr. TongbanXML captures errors through
   structured handlers and installs this no-op as the generic one. It is variadic, which Swift
   cannot define, hence these few lines of C. */
static inline void tongban_xml_ignore_generic_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

/* Silences the generic error handler of the calling thread. */
static inline void tongban_xml_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, tongban_xml_ignore_generic_error);
}

/* Silences the generic error handler of every thread that first uses libxml2 from now on. */
static inline void tongban_xml_silence_generic_errors_by_default(void) {
    xmlThrDefSetGenericErrorFunc(NULL, tongban_xml_ignore_generic_error);
}

/* Frees memory libxml2 allocated for the caller, such as the output of xmlDocDumpFormatMemoryEnc.
   xmlFree is a global function pointer, which Swift 6 refuses to read as shared mutable state;
   libxml2 only changes it in xmlMemSetup, which Tongban never calls. */
static inline void tongban_xml_free(void *memory) {
    xmlFree(memory);
}
#endif
