/*
 * bench/photos: made-up photographs for the benchmarks, with libvips.
 *
 *   photos DIR N [WIDTH HEIGHT]
 *
 * Writes DIR/photo-0001.jpg ... DIR/photo-N.jpg, each WIDTH x HEIGHT
 * (default 1600 x 1067, a camera's JPEG scaled down), quality 85: smooth
 * shapes (noise of a few dozen pixels blown up) with a fine grain on top,
 * so they compress and decode like photographs rather than like flat
 * colour or pure noise.  Photo i is the same bytes every run (its noise
 * is seeded by i).  bench/gen-corpus --photos builds and runs it.
 */
#include <stdio.h>
#include <stdlib.h>

#include <vips/vips.h>

static int
photo(const char *dir, int i, int w, int h)
{
	VipsImage	*base = NULL, *big = NULL, *grain = NULL, *sum = NULL;
	VipsImage	*bands[3] = { NULL, NULL, NULL }, *rgb = NULL;
	VipsImage	*u8 = NULL;
	char		 path[4096];
	int		 b, rc = -1;

	for (b = 0; b < 3; b++)
		if (vips_gaussnoise(&bands[b], 24, 16, "mean", 128.0,
		    "sigma", 60.0, "seed", i * 3 + b, NULL) != 0)
			goto out;
	if (vips_bandjoin(bands, &base, 3, NULL) != 0 ||
	    vips_resize(base, &big, (double)w / 24, "vscale",
	    (double)h / 16, "kernel", VIPS_KERNEL_CUBIC, NULL) != 0 ||
	    vips_gaussnoise(&grain, w, h, "mean", 0.0, "sigma", 6.0, "seed",
	    i + 100000, NULL) != 0 ||
	    vips_add(big, grain, &sum, NULL) != 0 ||
	    vips_cast(sum, &u8, VIPS_FORMAT_UCHAR, NULL) != 0 ||
	    vips_copy(u8, &rgb, "interpretation", VIPS_INTERPRETATION_sRGB,
	    NULL) != 0)
		goto out;
	if (snprintf(path, sizeof(path), "%s/photo-%04d.jpg", dir, i) >=
	    (int)sizeof(path) ||
	    vips_jpegsave(rgb, path, "Q", 85, NULL) != 0)
		goto out;
	rc = 0;
out:
	for (b = 0; b < 3; b++)
		if (bands[b] != NULL)
			g_object_unref(bands[b]);
	if (base != NULL)
		g_object_unref(base);
	if (big != NULL)
		g_object_unref(big);
	if (grain != NULL)
		g_object_unref(grain);
	if (sum != NULL)
		g_object_unref(sum);
	if (u8 != NULL)
		g_object_unref(u8);
	if (rgb != NULL)
		g_object_unref(rgb);
	return rc;
}

int
main(int argc, char **argv)
{
	int	 i, n, w = 1600, h = 1067;

	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: photos DIR N [WIDTH HEIGHT]\n");
		return 2;
	}
	n = atoi(argv[2]);
	if (argc == 5) {
		w = atoi(argv[3]);
		h = atoi(argv[4]);
	}
	if (n < 0 || w < 24 || h < 16) {
		fprintf(stderr, "photos: bad size\n");
		return 2;
	}
	if (VIPS_INIT(argv[0]) != 0) {
		fprintf(stderr, "photos: %s\n", vips_error_buffer());
		return 1;
	}
	for (i = 1; i <= n; i++)
		if (photo(argv[1], i, w, h) == -1) {
			fprintf(stderr, "photos: %s\n", vips_error_buffer());
			return 1;
		}
	vips_shutdown();
	return 0;
}
