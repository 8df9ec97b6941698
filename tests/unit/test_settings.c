#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mail/settings.h"
#include "send/settings.h"
#include "server/settings.h"
#include "site/config.h"

/*
 * stet.yaml is read once by the site, which keeps the tree; each layer
 * then reads its own keys from it.  These load text the way a command
 * does (cmd/settings.c), one layer at a time.
 */
struct loaded {
	struct arena		*a;
	struct config		 site;
	struct server_settings	 server;
	struct mail_settings	 mail;
	struct send_settings	 send;
	struct err		 err;
};

/* 0, or -1 with l->err.msg saying why; l->a is freed by done(). */
static int
load(struct loaded *l, const char *yaml)
{
	const struct ynode *t;

	memset(l, 0, sizeof(*l));
	assert_non_null(l->a = arena_new());
	if (config_parse(l->a, yaml, strlen(yaml), &l->site, &l->err) == -1)
		return -1;
	t = l->site.tree;
	if (server_settings_parse(l->a, l->site.file, t, &l->server,
	    &l->err) == -1 ||
	    mail_settings_parse(l->a, l->site.file, t, &l->mail,
	    &l->err) == -1 ||
	    send_settings_parse(l->a, l->site.file, t, &l->send,
	    &l->err) == -1)
		return -1;
	return 0;
}

static void
done(struct loaded *l)
{
	arena_free(l->a);
}

/* yaml must fail with exactly want. */
static void
refused(const char *yaml, const char *want)
{
	struct loaded	 l;

	assert_int_equal(load(&l, yaml), -1);
	assert_string_equal(l.err.msg, want);
	done(&l);
}

static void
every_layer_reads_its_own(void **state)
{
	struct loaded	 l;

	(void)state;
	assert_int_equal(load(&l,
	    "title: \"T\"\n"
	    "url: https://example.com/blog\n"
	    "subscribe:\n"
	    "  action: https://forms.example.net/s\n"
	    "  per_minute: 3\n"
	    "  origins: [ \"HTTPS://Forms.Example.NET:443/\", "
	    "\"http://[::1]:8080\" ]\n"
	    "mail:\n"
	    "  from: \"Jane Doe <posts@example.com>\"\n"
	    "  timeout: 9\n"
	    "  dkim: { domain: example.com, selector: s1, key: k.pem }\n"
	    "server:\n"
	    "  listen: \"[::1]:0\"\n"
	    "  trusted_proxies: [ 10.0.0.0/8, \"::1\" ]\n"
	    "  tls: { listen: \"0.0.0.0:443\", cert: c.pem, key: k.pem }\n"
	    "notes: { email: yes }\n"), 0);
	assert_string_equal(l.site.title, "T");
	assert_string_equal(l.site.url, "https://example.com/blog/");
	assert_string_equal(l.site.base_path, "/blog/");
	assert_string_equal(l.site.subscribe_action,
	    "https://forms.example.net/s");
	assert_string_equal(l.server.listen, "[::1]:0");
	assert_int_equal(l.server.ntrusted_proxies, 2);
	assert_string_equal(l.server.trusted_proxies[1], "::1");
	assert_string_equal(l.server.tls_cert, "c.pem");
	assert_int_equal(l.server.subscribe_per_minute, 3);
	assert_int_equal(l.server.subscribe_confirmations_per_hour, 200);
	/* Origins as browsers send them: lowercased, no default port. */
	assert_int_equal(l.server.nsubscribe_origins, 2);
	assert_string_equal(l.server.subscribe_origins[0],
	    "https://forms.example.net");
	assert_string_equal(l.server.subscribe_origins[1], "http://[::1]:8080");
	assert_int_equal(l.server.max_connections, 4096);
	assert_string_equal(l.mail.from_name, "Jane Doe");
	assert_string_equal(l.mail.from_addr, "posts@example.com");
	assert_int_equal(l.mail.timeout, 9);
	assert_int_equal(l.mail.connections, 4);
	assert_string_equal(l.mail.transport, "maildir:mail");
	assert_string_equal(l.mail.dkim_selector, "s1");
	assert_int_equal(l.send.notes, 1);
	done(&l);
}

static void
defaults_without_a_file(void **state)
{
	struct server_settings s;
	struct mail_settings m;
	struct send_settings n;
	struct err	 err;

	(void)state;
	assert_int_equal(server_settings_parse(NULL, NULL, NULL, &s, &err), 0);
	assert_string_equal(s.listen, "127.0.0.1:8080");
	assert_null(s.tls_listen);
	assert_int_equal(s.subscribe_per_minute, 10);
	assert_int_equal(mail_settings_parse(NULL, NULL, NULL, &m, &err), 0);
	assert_null(m.from_addr);
	assert_string_equal(m.password_env, "STET_SMTP_PASSWORD");
	assert_int_equal(send_settings_parse(NULL, NULL, NULL, &n, &err), 0);
	assert_int_equal(n.notes, 0);
}

static void
the_site_keeps_the_outline(void **state)
{
	(void)state;
	/* A top-level key no layer reads, as stet build sees it. */
	refused("title: x\nmail: { from: a@b.org }\ncolour: blue\n",
	    "stet.yaml:3: unknown key colour");
	refused("subscribe:\n  per_minute: 3\n  actoin: x\n",
	    "stet.yaml:3: unknown key subscribe.actoin");
	refused("subscribe: { origins: [ \"https://a.example/form\" ] }\n",
	    "stet.yaml:1: subscribe.origins: want an origin such as "
	    "https://forms.example.net, not \"https://a.example/form\"");
	refused("subscribe: { origins: [ \"ftp://a.example\" ] }\n",
	    "stet.yaml:1: subscribe.origins: want an origin such as "
	    "https://forms.example.net, not \"ftp://a.example\"");
	refused("subscribe: { origins: \"https://a.example\" }\n",
	    "stet.yaml:1: subscribe.origins: want a list");
	refused("subscribe: { action: \"javascript:x\" }\n",
	    "stet.yaml:1: subscribe.action: want an http, https or mailto "
	    "URL");
}

static void
server_mistakes(void **state)
{
	(void)state;
	refused("server:\n  listen: \"127.0.0.1\"\n",
	    "stet.yaml:2: server.listen: want ADDRESS:PORT, like "
	    "127.0.0.1:8080 or [::1]:8080");
	refused("title: x\nserver:\n  max_conections: 5\n",
	    "stet.yaml:3: unknown key server.max_conections");
	refused("server:\n  trusted_proxies: [ 10.0.0.0/33 ]\n",
	    "stet.yaml:2: server.trusted_proxies: want an IP address or a "
	    "network like 10.0.0.0/8");
	refused("server:\n  tls: { listen: \"0.0.0.0:443\" }\n",
	    "stet.yaml:2: server.tls: want listen, cert and key");
	refused("subscribe: { confirmations_per_hour: 0 }\n",
	    "stet.yaml:1: subscribe.confirmations_per_hour: want a number "
	    "from 1 to 1000000");
}

static void
mail_mistakes(void **state)
{
	(void)state;
	refused("mail:\n  from: \"Jane <nobody>\"\n",
	    "stet.yaml:2: mail.from: want \"Name <address>\" or an address");
	refused("mail:\n  transport: \"ftp://x\"\n",
	    "stet.yaml:2: mail.transport: want maildir:PATH, "
	    "smtp://HOST:PORT, smtps://HOST:PORT or sendmail");
	refused("mail:\n  dkim: { domain: example.com }\n",
	    "stet.yaml:2: mail.dkim: want domain, selector and key");
	refused("mail:\n\n  form: a@b.org\n",
	    "stet.yaml:3: unknown key mail.form");
}

static void
send_mistakes(void **state)
{
	(void)state;
	refused("notes: { email: maybe }\n",
	    "stet.yaml:1: notes.email: want true or false");
	refused("notes:\n  mail: true\n",
	    "stet.yaml:2: unknown key notes.mail");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_layer_reads_its_own),
		cmocka_unit_test(defaults_without_a_file),
		cmocka_unit_test(the_site_keeps_the_outline),
		cmocka_unit_test(server_mistakes),
		cmocka_unit_test(mail_mistakes),
		cmocka_unit_test(send_mistakes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
