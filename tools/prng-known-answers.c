/*
 * Known answers for pairnet's PRNG (src/engine/rng.ts) and dropout mask streams (src/engine/kernels), computed by the
 * published reference code, written to stdout as JSON:
 *
 *   cc -O2 -std=c99 -o /tmp/prng-known-answers tools/prng-known-answers.c
 *   /tmp/prng-known-answers > test/fixtures/prng/known-answers.json
 *
 * xoshiro128** is Blackman and Vigna's xoshiro128starstar.c (2018, public domain, prng.di.unimi.it): rotl() and
 * next() below are that file's, on its global state s[4]. splitmix32 is a Weyl sequence with step 0x9e3779b9 (the
 * 32-bit golden ratio, as SplitMix) finished by fmix32, MurmurHash3's finalizer (Appleby, public domain), as written
 * in smhasher's MurmurHash3.cpp. pairnet's Rng(seed) seeds s[0..3] with four splitmix32 outputs from the seed's low
 * 32 bits XOR its high 32 bits; its dropout draws 16 words from an Rng (the first 4 with bit 0 set) and runs 4
 * xoshiro128** streams, word w of stream j being seed word 4w + j, element i taking the next output of stream i % 4.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

/* ---- xoshiro128starstar.c (reference) ---- */
static inline uint32_t rotl(const uint32_t x, int k) {
	return (x << k) | (x >> (32 - k));
}

static uint32_t s[4];

uint32_t next(void) {
	const uint32_t result = rotl(s[1] * 5, 7) * 9;

	const uint32_t t = s[1] << 9;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];

	s[2] ^= t;

	s[3] = rotl(s[3], 11);

	return result;
}
/* ---- end of the reference ---- */

/* MurmurHash3.cpp's fmix32. */
static uint32_t fmix32(uint32_t h) {
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

static uint32_t weyl;

static uint32_t splitmix32_next(void) {
	weyl += 0x9e3779b9u;
	return fmix32(weyl);
}

/* pairnet's Rng(seed) for an integer seed in [0, 2^53). */
static void rng_seed(uint64_t seed) {
	weyl = (uint32_t)seed ^ (uint32_t)(seed >> 32);
	for (int i = 0; i < 4; i++) s[i] = splitmix32_next();
}

static void print_list(const uint32_t *v, int n) {
	printf("[");
	for (int i = 0; i < n; i++) printf("%s%" PRIu32, i ? ", " : "", v[i]);
	printf("]");
}

#define DRAWS 12
#define MASK_N 64

int main(void) {
	uint32_t out[MASK_N];
	printf("{\n  \"generator\": \"tools/prng-known-answers.c\",\n");

	static const uint32_t sm_seeds[] = { 0u, 1u, 42u, 0xffffffffu };
	printf("  \"splitmix32\": [\n");
	for (int k = 0; k < 4; k++) {
		weyl = sm_seeds[k];
		for (int i = 0; i < DRAWS; i++) out[i] = splitmix32_next();
		printf("    { \"seed\": %" PRIu32 ", \"outputs\": ", sm_seeds[k]);
		print_list(out, DRAWS);
		printf(" }%s\n", k < 3 ? "," : "");
	}
	printf("  ],\n");

	static const uint32_t states[][4] = { { 1, 2, 3, 4 }, { 0x9e3779b9u, 0x7f4a7c15u, 0xf39cc060u, 0x5cedc834u }, { 1, 0, 0, 0 } };
	printf("  \"xoshiro128starstar\": [\n");
	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < 4; i++) s[i] = states[k][i];
		for (int i = 0; i < DRAWS; i++) out[i] = next();
		printf("    { \"state\": ");
		print_list(states[k], 4);
		printf(", \"outputs\": ");
		print_list(out, DRAWS);
		printf(" }%s\n", k < 2 ? "," : "");
	}
	printf("  ],\n");

	static const uint64_t rng_seeds[] = { 0u, 1u, 42u, 123456789u, 4294967295u, 4294967301u /* 2^32 + 5 */ };
	printf("  \"rng\": [\n");
	for (int k = 0; k < 6; k++) {
		rng_seed(rng_seeds[k]);
		printf("    { \"seed\": %" PRIu64 ", \"state\": ", rng_seeds[k]);
		print_list(s, 4);
		for (int i = 0; i < DRAWS; i++) out[i] = next();
		printf(", \"outputs\": ");
		print_list(out, DRAWS);
		printf(" }%s\n", k < 5 ? "," : "");
	}
	printf("  ],\n");

	/* Dropout: the 16 seed words of one forward call drawn from Rng(rng_seed), then the draws of elements 0..MASK_N-1. */
	static const uint64_t dropout_seeds[] = { 7u, 2026u };
	printf("  \"dropout\": [\n");
	for (int k = 0; k < 2; k++) {
		uint32_t words[16], lanes[4][4];
		rng_seed(dropout_seeds[k]);
		for (int i = 0; i < 16; i++) words[i] = next() | (i < 4 ? 1u : 0u);
		for (int j = 0; j < 4; j++)
			for (int w = 0; w < 4; w++) lanes[j][w] = words[4 * w + j];
		for (int i = 0; i < MASK_N; i++) {
			int j = i % 4;
			for (int w = 0; w < 4; w++) s[w] = lanes[j][w];
			out[i] = next();
			for (int w = 0; w < 4; w++) lanes[j][w] = s[w];
		}
		printf("    { \"rngSeed\": %" PRIu64 ", \"words\": ", dropout_seeds[k]);
		print_list(words, 16);
		printf(", \"draws\": ");
		print_list(out, MASK_N);
		printf(" }%s\n", k < 1 ? "," : "");
	}
	printf("  ]\n}\n");
	return 0;
}
