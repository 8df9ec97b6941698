#ifndef STET_MAIL_GMIME_LIB_H
#define STET_MAIL_GMIME_LIB_H

#include <gmime/gmime.h>

#include "../support/err.h"

/*
 * GMime, loaded when bounces are first read, not linked: with GIO,
 * GPGME and Assuan under it, linking it cost every stet command, a
 * rebuild included, some 1.5 ms of CPU at start.  GLib and GObject stay
 * linked (the rest of stet uses them): g_object_unref and the type
 * checks behind GMime's GMIME_IS_* and GMIME_* macros are called as
 * they always were.
 *
 * gmime_lib_load loads it and calls g_mime_init, once for the process,
 * whatever thread gets there first: 0, or -1 with err saying "WHO:
 * cannot load libgmime-3.0.so.0: ..." (each later call gives the same
 * answer).  The functions below are NULL until it has returned 0.
 *
 * The rest of the code calls GMime by its own names: the macros at the
 * end of this file make each one a call through the table, the
 * get_type functions GMime's macros expand to included.
 */

struct gmime_lib {
	__typeof__(g_mime_init)			*init;
	__typeof__(g_mime_parser_new_with_stream) *parser_new_with_stream;
	__typeof__(g_mime_parser_construct_message) *parser_construct_message;
	__typeof__(g_mime_stream_mem_new)	*stream_mem_new;
	__typeof__(g_mime_stream_mem_new_with_buffer)
	    *stream_mem_new_with_buffer;
	__typeof__(g_mime_stream_mem_get_byte_array)
	    *stream_mem_get_byte_array;
	__typeof__(g_mime_data_wrapper_write_to_stream)
	    *data_wrapper_write_to_stream;
	__typeof__(g_mime_object_get_content_type) *object_get_content_type;
	__typeof__(g_mime_object_get_header)	*object_get_header;
	__typeof__(g_mime_object_get_header_list) *object_get_header_list;
	__typeof__(g_mime_content_type_is_type)	*content_type_is_type;
	__typeof__(g_mime_header_list_get_count) *header_list_get_count;
	__typeof__(g_mime_header_list_get_header_at)
	    *header_list_get_header_at;
	__typeof__(g_mime_header_get_name)	*header_get_name;
	__typeof__(g_mime_header_get_value)	*header_get_value;
	__typeof__(g_mime_message_get_mime_part) *message_get_mime_part;
	__typeof__(g_mime_message_part_get_message) *message_part_get_message;
	__typeof__(g_mime_multipart_get_count)	*multipart_get_count;
	__typeof__(g_mime_multipart_get_part)	*multipart_get_part;
	__typeof__(g_mime_part_get_content)	*part_get_content;
	__typeof__(internet_address_list_parse)	*ia_list_parse;
	__typeof__(internet_address_list_length) *ia_list_length;
	__typeof__(internet_address_list_get_address) *ia_list_get_address;
	__typeof__(internet_address_mailbox_get_addr) *ia_mailbox_get_addr;
	/* The GType of each class the code checks or casts to, for the
	 * GMIME_IS_* and GMIME_* macros (GObject's own functions they
	 * call come from the linked libgobject). */
	__typeof__(g_mime_object_get_type)	*object_get_type;
	__typeof__(g_mime_part_get_type)	*part_get_type;
	__typeof__(g_mime_multipart_get_type)	*multipart_get_type;
	__typeof__(g_mime_message_part_get_type) *message_part_get_type;
	__typeof__(g_mime_stream_mem_get_type)	*stream_mem_get_type;
	__typeof__(internet_address_mailbox_get_type) *ia_mailbox_get_type;
};

extern struct gmime_lib	gmime_lib;

int	gmime_lib_load(const char *who, struct err *);

#define g_mime_init			(*gmime_lib.init)
#define g_mime_parser_new_with_stream	(*gmime_lib.parser_new_with_stream)
#define g_mime_parser_construct_message	(*gmime_lib.parser_construct_message)
#define g_mime_stream_mem_new		(*gmime_lib.stream_mem_new)
#define g_mime_stream_mem_new_with_buffer \
	(*gmime_lib.stream_mem_new_with_buffer)
#define g_mime_stream_mem_get_byte_array (*gmime_lib.stream_mem_get_byte_array)
#define g_mime_data_wrapper_write_to_stream \
	(*gmime_lib.data_wrapper_write_to_stream)
#define g_mime_object_get_content_type	(*gmime_lib.object_get_content_type)
#define g_mime_object_get_header	(*gmime_lib.object_get_header)
#define g_mime_object_get_header_list	(*gmime_lib.object_get_header_list)
#define g_mime_content_type_is_type	(*gmime_lib.content_type_is_type)
#define g_mime_header_list_get_count	(*gmime_lib.header_list_get_count)
#define g_mime_header_list_get_header_at (*gmime_lib.header_list_get_header_at)
#define g_mime_header_get_name		(*gmime_lib.header_get_name)
#define g_mime_header_get_value		(*gmime_lib.header_get_value)
#define g_mime_message_get_mime_part	(*gmime_lib.message_get_mime_part)
#define g_mime_message_part_get_message	(*gmime_lib.message_part_get_message)
#define g_mime_multipart_get_count	(*gmime_lib.multipart_get_count)
#define g_mime_multipart_get_part	(*gmime_lib.multipart_get_part)
#define g_mime_part_get_content		(*gmime_lib.part_get_content)
#define internet_address_list_parse	(*gmime_lib.ia_list_parse)
#define internet_address_list_length	(*gmime_lib.ia_list_length)
#define internet_address_list_get_address (*gmime_lib.ia_list_get_address)
#define internet_address_mailbox_get_addr (*gmime_lib.ia_mailbox_get_addr)
#define g_mime_object_get_type		(*gmime_lib.object_get_type)
#define g_mime_part_get_type		(*gmime_lib.part_get_type)
#define g_mime_multipart_get_type	(*gmime_lib.multipart_get_type)
#define g_mime_message_part_get_type	(*gmime_lib.message_part_get_type)
#define g_mime_stream_mem_get_type	(*gmime_lib.stream_mem_get_type)
#define internet_address_mailbox_get_type (*gmime_lib.ia_mailbox_get_type)

#endif
