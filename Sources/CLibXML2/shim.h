#ifndef TONGBAN_CLIBXML2_SHIM_H
#define TONGBAN_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlsave.h>
#include <libxml/encoding.h>
#include <libxml/xmlversion.h>
#endif
