#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* Kept in step with docs/stet.1's SYNOPSIS. */
static const struct {
	const char	*name;
	const char	*synopsis;
	const char	*text;
} usages[] = {
	{ "init", "stet init DIR",
	  "Make a new site in DIR (which must not exist or be empty) with\n"
	  "example content that builds as it is.\n" },
	{ "build", "stet build [-v] [-s SITE] [--drafts] [--future] [--portable] [--full]\n"
	  "           [--strict]",
	  "Build SITE (default: the current folder) into SITE/public/.\n"
	  "Ctrl-C or SIGTERM stops it with public/ as it was (exit 130, 143).\n"
	  "  -s, --site SITE  the site folder\n"
	  "  --drafts         include posts marked draft: true\n"
	  "  --future         include posts dated later than now\n"
	  "  --portable       end internal links in index.html, so\n"
	  "                   public/ works straight from disk (file://)\n"
	  "  --full           ignore what the last build remembers\n"
	  "                   (.stet/cache) and build everything again\n"
	  "  --strict         fail on any warning (all of them are in\n"
	  "                   SITE/.stet/warnings after a build)\n"
	  "  -v, --verbose    say how long each step took\n"
	  "  -h, --help       show this\n" },
	{ "new", "stet new [-s SITE] [--note] TITLE",
	  "Start a post: write posts/YYYY-MM-DD-slug.md (today in the site's\n"
	  "timezone) with its front matter filled in and draft: true, so it\n"
	  "is neither published nor mailed until you remove that line.\n"
	  "Never overwrites a file.  Prints the path.\n"
	  "  -s, --site SITE  the site folder\n"
	  "  --note           a note, in notes/, instead of a post\n" },
	{ "serve", "stet serve [-s SITE] [--listen ADDR:PORT] [--watch]",
	  "Build SITE, then serve SITE/public/ over HTTP from memory until\n"
	  "SIGTERM or SIGINT; SIGHUP rebuilds.  The address, TLS and the\n"
	  "server's bounds are under server: in stet.yaml.\n"
	  "  -s SITE      the site folder\n"
	  "  --listen ADDR:PORT\n"
	  "               listen here instead (port 0: any free one)\n"
	  "  --watch      rebuild when a source changes or a future post\n"
	  "               falls due; a failed build keeps the last site\n" },
	{ "check", "stet check [-s SITE] [--json] [--drafts] [--future]",
	  "Build the site in memory, write nothing, and report every broken\n"
	  "internal link and #anchor, every image without alt text or\n"
	  "without a file, every post whose summary is missing or longer\n"
	  "than 160 characters (warnings), and every post whose feed id\n"
	  "changed since it was published.  One finding a line, file:line\n"
	  "first; exit status 1 when there is an error.\n"
	  "  -s, --site SITE  the site folder\n"
	  "  --json           the findings as a JSON array, for tools\n"
	  "  --drafts         check drafts too\n"
	  "  --future         check posts dated later than now too\n" },
	{ "import", "stet import [--force] [--fetch-media] [--url URL] OLD NEW",
	  "Make a stet site in NEW from the Hugo or Jekyll site in OLD (which\n"
	  "is only read), and write NEW/IMPORT.md: what was converted, what\n"
	  "was kept as written, and each place that needs a person, file:line.\n"
	  "Carried over: title, author, description, URL, language, time zone\n"
	  "and menus; posts (Hugo's sections and page bundles, Jekyll's\n"
	  "_posts and _drafts) and pages (with Jekyll's published\n"
	  "collections), front matter as stet's YAML (TOML\n"
	  "read; tags, categories and other taxonomies as tags); static files\n"
	  "and bundle resources at the paths posts expect.  Every old post URL\n"
	  "(Hugo's url:, slug:, permalinks, uglyURLs, disablePathToLower;\n"
	  "Jekyll's permalink: and date, pretty, ordinal, none or custom\n"
	  "patterns) becomes an alias; old feeds, tag and category pages and\n"
	  "pagination go under redirects: in stet.yaml.  Links to old URLs\n"
	  "become stet's.  Converted: Jekyll's {% raw %}, {% highlight %},\n"
	  "{% post_url %}, {% link %}, {{ site.url }}, {{ site.baseurl }},\n"
	  "image includes, {% comment %}; kramdown's {:toc}, {: .class},\n"
	  "{::options}, {::comment}; Hugo's figure, highlight, ref, relref,\n"
	  "youtube, vimeo, gist, tweet, instagram (as links).  Anything else\n"
	  "(custom includes and shortcodes, Liquid logic) is kept as inline\n"
	  "code and listed.  Themes, layouts and Liquid HTML pages are not\n"
	  "imported.\n"
	  "  --force        write into a NEW that is not empty (its posts/\n"
	  "                 and pages/ are replaced)\n"
	  "  --fetch-media  download images on other hosts into static/media/\n"
	  "                 (at most 500, 20 MiB each) and point posts there\n"
	  "  --url URL      the old site's address, when its settings lack it\n"
	  "                 (links to it become stet's links)\n" },
	{ "subscribers", "stet subscribers [-s SITE] list [--state S] | count | add EMAIL | remove EMAIL\n"
	  "           | export [--full] [-o FILE] | import [--from NAME] [--dry-run] FILE.csv",
	  "Look after the subscriber list in SITE/stet.db.\n"
	  "  list [--state S]  one line each: address, state (pending,\n"
	  "                    confirmed or unsubscribed), the dates it\n"
	  "                    arrived, confirmed and left (- for never),\n"
	  "                    and \"bouncing\" for an address send skips\n"
	  "  count             how many in each state\n"
	  "  add EMAIL         add an address you have consent for, as\n"
	  "                    confirmed; never one that was removed or\n"
	  "                    that unsubscribed\n"
	  "  remove EMAIL      erase the address; a keyed hash of it stays\n"
	  "                    so that no later add or import brings it back\n"
	  "  export            everything kept about each reader, as CSV on\n"
	  "                    stdout (-o FILE: in FILE, mode 0600); those\n"
	  "                    who left or bounce too, so they stay out\n"
	  "    --full          also the site secret, the suppression hashes\n"
	  "                    and the ids, to move the site with every\n"
	  "                    unsubscribe link working: SENSITIVE, only\n"
	  "                    with -o FILE\n"
	  "  import FILE.csv   read stet's export, or listmonk's,\n"
	  "                    Buttondown's, Substack's, Mailchimp's\n"
	  "                    (subscribed, unsubscribed, cleaned) or\n"
	  "                    Ghost's, told by the header row, or any CSV\n"
	  "                    with an email column; only what the source\n"
	  "                    marks as subscribed becomes confirmed, and\n"
	  "                    who left or bounced stays out for good;\n"
	  "                    prints the counts per state and what it did,\n"
	  "                    invalid rows with line numbers\n"
	  "    --from NAME     the source: stet, listmonk, buttondown,\n"
	  "                    substack, mailchimp, ghost or plain\n"
	  "    -n, --dry-run   all of that, and write nothing\n"
	  "  -s, --site SITE   the site folder\n" },
	{ "send", "stet send [-s SITE] [--dry-run] [--now] [--wait] [--retry POST]\n"
	  "          [--status] [--to ADDRESS [--post SLUG]]",
	  "Mail each post of the last build that was never announced to\n"
	  "every confirmed reader, once, mail.hold minutes (10) after the\n"
	  "first build that published it.  The first run on a site marks the\n"
	  "posts already published as announced and sends nothing.  Each\n"
	  "message is recorded as the relay takes it: run it again after a\n"
	  "crash or a cut and it goes on where it stopped.  Only a relay's\n"
	  "refusal of an address (5xx to RCPT TO) fails a delivery; when the\n"
	  "relay itself fails (no connection, login or TLS refused, the\n"
	  "sender or the message refused) the rest stays pending.  Exit\n"
	  "status 75 when messages wait for a retry (it says when to run\n"
	  "again), the relay failed, or another sender holds the lease; 0\n"
	  "when the only posts left are held.\n"
	  "  -s, --site SITE  the site folder\n"
	  "  -n, --dry-run    say what would be sent to whom, and when,\n"
	  "                   show one message, and send nothing\n"
	  "  --now            send new posts at once, without mail.hold\n"
	  "  --wait           wait for another sender to finish instead\n"
	  "                   of leaving\n"
	  "  --status         each post's deliveries: sent, pending and\n"
	  "                   failed, by the relay's reply; the posts held\n"
	  "  --retry POST     queue again the deliveries of POST (its slug\n"
	  "                   or id) that were not delivered, never those\n"
	  "                   that were, and send\n"
	  "  --to ADDRESS     send one post (the latest, or --post SLUG)\n"
	  "                   to ADDRESS only, as a preview; nothing is\n"
	  "                   recorded\n" },
	{ "doctor", "stet doctor [-s SITE] [--dns SERVER]",
	  "Check the DNS of mail.from's domain for what receivers want of\n"
	  "mail from this site: one SPF record at the envelope sender's\n"
	  "domain, the DKIM selector's key (the public half of the key in\n"
	  "mail.dkim, which stet signs with), a DMARC record, and what\n"
	  "Gmail's and Yahoo's rules for bulk senders still want.  Each\n"
	  "line says ok, missing, wrong or note, and after what is missing\n"
	  "or wrong the record to publish.  Exit status 1 when something\n"
	  "is to be fixed.\n"
	  "  -s, --site SITE  the site folder\n"
	  "  --dns SERVER     ask this DNS server (IP or IP:PORT) instead\n"
	  "                   of the system's resolvers\n" },
	{ "bounces", "stet bounces [-s SITE] [--mailbox SPEC] [--max N]",
	  "Read the mail that came back to mail.envelope_from, in the\n"
	  "mailbox mail.bounces.mailbox names (maildir:PATH or\n"
	  "imaps://HOST/FOLDER, the password from STET_IMAP_PASSWORD), and\n"
	  "act on each delivery status notification (RFC 3464) and\n"
	  "feedback report (RFC 5965): a hard bounce (5.x.x) stops the mail\n"
	  "to that address at once, a soft one (4.x.x) after\n"
	  "mail.bounces.soft_limit of them within soft_days (3 in 14), and\n"
	  "a complaint unsubscribes the reader.  The reader is found by the\n"
	  "token in the envelope sender (when envelope_from has the form\n"
	  "bounces+@example.com), else by the address the report names.\n"
	  "Each message read is marked as read, and a report is never\n"
	  "counted twice.  One line per report on stdout, a summary on\n"
	  "stderr.\n"
	  "  -s, --site SITE  the site folder\n"
	  "  --mailbox SPEC   read this mailbox instead\n"
	  "  --max N          read at most N messages (default\n"
	  "                   mail.bounces.max_messages, 500)\n" },
	{ "help", "stet help [COMMAND]",
	  "Show how to use stet, or one command.\n" },
};

int
usage_known(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(usages) / sizeof(*usages); i++)
		if (strcmp(usages[i].name, name) == 0)
			return 1;
	return 0;
}

void
usage_print(const char *name, void *fp)
{
	FILE	*f = fp;
	size_t	 i;

	if (name == NULL) {
		fprintf(f, "usage:\n");
		for (i = 0; i < sizeof(usages) / sizeof(*usages); i++)
			fprintf(f, "  %s\n", usages[i].synopsis);
		fprintf(f, "  stet --version\n\n"
		    "stet builds a small, durable site from Markdown posts.\n"
		    "Run 'stet help COMMAND' for one command, or see stet(1).\n");
		return;
	}
	for (i = 0; i < sizeof(usages) / sizeof(*usages); i++)
		if (strcmp(usages[i].name, name) == 0)
			fprintf(f, "usage: %s\n\n%s", usages[i].synopsis,
			    usages[i].text);
}

int
cmd_help(int argc, char *argv[])
{
	if (argc < 2) {
		usage_print(NULL, stdout);
		return 0;
	}
	if (!usage_known(argv[1])) {
		fprintf(stderr, "stet: no command named %s\n", argv[1]);
		usage_print(NULL, stderr);
		return 2;
	}
	usage_print(argv[1], stdout);
	return 0;
}
