#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "dkimpub.h"

/* Never ask for a passphrase on the terminal: there is none. */
static int
no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int
dkim_public_key(const char *keyfile, struct buf *p_b64, const char **k,
    struct err *err)
{
	EVP_PKEY	*pkey = NULL;
	FILE		*f;
	unsigned char	*der = NULL, raw[32];
	size_t		 rawlen = sizeof(raw), dlen = 0;
	char		*b64 = NULL;
	int		 len, rc = -1;

	if ((f = fopen(keyfile, "re")) == NULL)
		return err_set(err, keyfile, 0, "DKIM key: cannot open it");
	pkey = PEM_read_PrivateKey(f, NULL, no_password, NULL);
	fclose(f);
	if (pkey == NULL) {
		ERR_clear_error();
		return err_set(err, keyfile, 0, "DKIM key: not an "
		    "unencrypted PEM private key");
	}
	switch (EVP_PKEY_id(pkey)) {
	case EVP_PKEY_RSA:
		*k = "rsa";
		if ((len = i2d_PUBKEY(pkey, &der)) <= 0)
			goto fail;
		dlen = (size_t)len;
		break;
	case EVP_PKEY_ED25519:
		*k = "ed25519";
		if (EVP_PKEY_get_raw_public_key(pkey, raw, &rawlen) != 1)
			goto fail;
		break;
	default:
		err_set(err, keyfile, 0, "DKIM key: neither RSA nor Ed25519");
		goto out;
	}
	if (der == NULL) {
		dlen = rawlen;
		if ((der = OPENSSL_malloc(dlen)) == NULL)
			goto fail;
		memcpy(der, raw, dlen);
	}
	if ((b64 = malloc(4 * ((dlen + 2) / 3) + 1)) == NULL ||
	    (len = EVP_EncodeBlock((unsigned char *)b64, der,
	    (int)dlen)) <= 0 || buf_put(p_b64, b64, (size_t)len) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	ERR_clear_error();
	err_set(err, keyfile, 0, "DKIM key: cannot write its public half");
out:
	free(b64);
	OPENSSL_free(der);
	EVP_PKEY_free(pkey);
	return rc;
}
