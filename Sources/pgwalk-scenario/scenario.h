/*
 * pgwalk-scenario: builds one kind of mapping, prints where it is, holds
 * still. The output protocol is documented in docs/SCENARIOS.md.
 */
#ifndef PGWALK_SCENARIO_H
#define PGWALK_SCENARIO_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PAGE 4096UL
#define HPAGE (2UL << 20)

struct scenario {
	const char *name;
	const char *desc;
	const char *needs;
	void (*run)(void);
};

/* output */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fact(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void region(const char *name, const void *start, size_t len);
void region_perms(const char *name, const void *start, size_t len, const char *perms);
/* "page NAME FIRST[-LAST] WORDS": words per page index, equal neighbours merged */
void pages(const char *name, long n, const char *(*words)(long i, void *arg), void *arg);
void page_range(const char *name, long first, long last, const char *words);
void pid2(pid_t pid);
_Noreturn void skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* memory */
void *arena_map(size_t len, size_t align, int prot, int flags, int fd, off_t off);
void *arena_reserve(size_t len, size_t align); /* PROT_NONE gap, then a place */
void *anon_pages(size_t npages);                /* private anon, MADV_NOHUGEPAGE */
int memfd_sized(const char *name, size_t len);  /* a memfd of len bytes (CLOEXEC) */
void expect_present(const char *what, const uint8_t *p, long first, long last, int present);
void fill(void *p, size_t len, unsigned seed);  /* nonzero distinct pattern */
void touch_read(const void *p, size_t len);

/* kernel views */
#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_FILE (1ULL << 61)
#define PM_UFFD_WP (1ULL << 57)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_SOFT_DIRTY (1ULL << 55)
#define PM_PFN(v) ((v) & ((1ULL << 55) - 1))
uint64_t pagemap(pid_t pid, const void *addr); /* pid 0: self; dies on error */
int pfn_visible(void);                          /* pagemap shows PFNs */
uint64_t kpageflags(uint64_t pfn);              /* ~0ULL when unreadable */
#define PM_GUARD_REGION (1ULL << 58)
#define KPF_ANON 12
#define KPF_SWAPBACKED 14
#define KPF_THP 22
#define KPF_ZERO_PAGE 24
#define KPF_KSM 21
#define KPF_MLOCKED 33
int smaps_field(const void *addr, const char *key, char *buf, size_t len);
long smaps_kb(const void *addr, const char *key); /* VMA containing addr; -1 */
int read_long(const char *path, long *v);
int read_str(const char *path, char *buf, size_t len);
int thp_mode(char *mode, size_t len); /* the [selected] word of enabled; -1 if none */
/* the [selected] word of a sysfs choice file (THP enabled, shmem_enabled); -1 if none */
int sysfs_choice(const char *path, char *mode, size_t len);
void need_thp(void);                  /* skips unless THP can be used here */
void *make_thp(size_t len);          /* 2M aligned, MADV_HUGEPAGE, written; skips if no THP */
int swap_active(long *free_kb);

/* processes and cleanup */
typedef void (*child_fn)(void *arg);
pid_t spawn(child_fn fn, void *arg);  /* dies with us; returns once fn has run */
void cleanup_file(const char *path);
void cleanup_dir(const char *path);
void cleanup_umount(const char *path);
int run_cmd(const char *const argv[]); /* fork+exec, quiet; exit status or -1 */

/* scenario groups */
void sc_anon_4k(void);
void sc_anon_shared(void);
void sc_file_tmpfs(void);
void sc_file_disk(void);
void sc_zero_4k(void);
void sc_prot_none(void);
void sc_dontneed(void);
void sc_madv_free(void);
void sc_mlock(void);
void sc_soft_dirty(void);
void sc_sparse(void);
void sc_high(void);
void sc_special(void);
void sc_pfnmap(void);
void sc_mremap_move(void);
void sc_uffd_wp(void);

void sc_thp_pmd(void);
void sc_thp_pte(void);
void sc_huge_zero(void);
void sc_mremap_thp(void);
void sc_hugetlb_2m(void);
void sc_hugetlb_memfd(void);
void sc_hugetlb_1g(void);
void sc_swap_4k(void);
void sc_swap_thp(void);

void sc_ksm(void);
void sc_fork_cow(void);

/* steps on request (SIGUSR1), for pgwalkctl diff: changes.c */
extern void (*scenario_step)(const char *name, char *result, size_t len);
void sc_diff_steps(void);

/* features of kernels after 6.1 */
void sc_mthp_64k(void);
void sc_shmem_thp(void);
void sc_guard_region(void);
void sc_droppable(void);
void sc_mseal(void);

#endif
