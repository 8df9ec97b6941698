#include <pthread.h>

#include "../support/dlib.h"
#include "gmime_lib.h"

/* The SONAME Debian 12 ships (libgmime-3.0-0): the ABI stet was built for. */
#define GMIME_LIB	"libgmime-3.0.so.0"

struct gmime_lib	gmime_lib;

static const struct dlib_sym syms[] = {
	{ "g_mime_init", (void **)&gmime_lib.init },
	{ "g_mime_parser_new_with_stream",
	    (void **)&gmime_lib.parser_new_with_stream },
	{ "g_mime_parser_construct_message",
	    (void **)&gmime_lib.parser_construct_message },
	{ "g_mime_stream_mem_new", (void **)&gmime_lib.stream_mem_new },
	{ "g_mime_stream_mem_new_with_buffer",
	    (void **)&gmime_lib.stream_mem_new_with_buffer },
	{ "g_mime_stream_mem_get_byte_array",
	    (void **)&gmime_lib.stream_mem_get_byte_array },
	{ "g_mime_data_wrapper_write_to_stream",
	    (void **)&gmime_lib.data_wrapper_write_to_stream },
	{ "g_mime_object_get_content_type",
	    (void **)&gmime_lib.object_get_content_type },
	{ "g_mime_object_get_header", (void **)&gmime_lib.object_get_header },
	{ "g_mime_object_get_header_list",
	    (void **)&gmime_lib.object_get_header_list },
	{ "g_mime_content_type_is_type",
	    (void **)&gmime_lib.content_type_is_type },
	{ "g_mime_header_list_get_count",
	    (void **)&gmime_lib.header_list_get_count },
	{ "g_mime_header_list_get_header_at",
	    (void **)&gmime_lib.header_list_get_header_at },
	{ "g_mime_header_get_name", (void **)&gmime_lib.header_get_name },
	{ "g_mime_header_get_value", (void **)&gmime_lib.header_get_value },
	{ "g_mime_message_get_mime_part",
	    (void **)&gmime_lib.message_get_mime_part },
	{ "g_mime_message_part_get_message",
	    (void **)&gmime_lib.message_part_get_message },
	{ "g_mime_multipart_get_count",
	    (void **)&gmime_lib.multipart_get_count },
	{ "g_mime_multipart_get_part",
	    (void **)&gmime_lib.multipart_get_part },
	{ "g_mime_part_get_content", (void **)&gmime_lib.part_get_content },
	{ "internet_address_list_parse", (void **)&gmime_lib.ia_list_parse },
	{ "internet_address_list_length", (void **)&gmime_lib.ia_list_length },
	{ "internet_address_list_get_address",
	    (void **)&gmime_lib.ia_list_get_address },
	{ "internet_address_mailbox_get_addr",
	    (void **)&gmime_lib.ia_mailbox_get_addr },
	{ "g_mime_object_get_type", (void **)&gmime_lib.object_get_type },
	{ "g_mime_part_get_type", (void **)&gmime_lib.part_get_type },
	{ "g_mime_multipart_get_type",
	    (void **)&gmime_lib.multipart_get_type },
	{ "g_mime_message_part_get_type",
	    (void **)&gmime_lib.message_part_get_type },
	{ "g_mime_stream_mem_get_type",
	    (void **)&gmime_lib.stream_mem_get_type },
	{ "internet_address_mailbox_get_type",
	    (void **)&gmime_lib.ia_mailbox_get_type },
};

static pthread_once_t	once = PTHREAD_ONCE_INIT;
static int		loaded;
static char		why[256];	/* when not loaded */

/*
 * Once for the process, whatever thread gets here first: g_mime_init is
 * not thread-safe.  On a failure loaded stays 0, which keeps every
 * caller away from the slots.
 */
static void
load(void)
{
	if (dlib_open(GMIME_LIB, syms, sizeof(syms) / sizeof(*syms), why,
	    sizeof(why)) == -1)
		return;
	g_mime_init();
	loaded = 1;
}

int
gmime_lib_load(const char *who, struct err *err)
{
	(void)pthread_once(&once, load);
	if (!loaded)
		return err_set(err, NULL, 0, "%s: %s", who, why);
	return 0;
}
