// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk: describe a VMA for its record (docs/FORMAT.md section 5.1): the
 * portable flags, the backing kind and the name /proc/PID/maps prints.
 *
 * The naming follows show_map_vma() in fs/proc/task_mmu.c of 6.1 so that
 * a decoder can match VMA records against the maps file line by line.
 * Called from pre_vma and test_walk only: under the mmap lock, never under
 * a spinlock, so d_path() and vm_ops->name() may be used.
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/string.h>

#include "pgwalk.h"

static const struct {
	unsigned long vm;
	u32 flag;
} pgwalk_vma_flag_map[] = {
	{ VM_READ,		PGWALK_VMA_READ },
	{ VM_WRITE,		PGWALK_VMA_WRITE },
	{ VM_EXEC,		PGWALK_VMA_EXEC },
	{ VM_MAYSHARE,		PGWALK_VMA_SHARED },
	{ VM_GROWSDOWN,		PGWALK_VMA_GROWSDOWN },
	{ VM_PFNMAP,		PGWALK_VMA_PFNMAP },
	{ VM_IO,		PGWALK_VMA_IO },
	{ VM_LOCKED,		PGWALK_VMA_LOCKED },
	{ VM_HUGETLB,		PGWALK_VMA_HUGETLB },
	{ VM_SOFTDIRTY,		PGWALK_VMA_SOFTDIRTY },
	{ VM_UFFD_MISSING,	PGWALK_VMA_UFFD_MISSING },
	{ VM_UFFD_WP,		PGWALK_VMA_UFFD_WP },
	{ VM_HUGEPAGE,		PGWALK_VMA_HUGEPAGE },
	{ VM_NOHUGEPAGE,	PGWALK_VMA_NOHUGEPAGE },
	{ VM_MERGEABLE,		PGWALK_VMA_MERGEABLE },
	{ VM_MIXEDMAP,		PGWALK_VMA_MIXEDMAP },
	{ VM_DONTDUMP,		PGWALK_VMA_DONTDUMP },
	/*
	 * Flags newer kernels added: only where the headers define them. A
	 * configuration without the feature may define them as VM_NONE (0),
	 * which never matches.
	 */
#ifdef VM_DROPPABLE
	{ VM_DROPPABLE,		PGWALK_VMA_DROPPABLE },
#endif
#ifdef VM_SEALED
	{ VM_SEALED,		PGWALK_VMA_SEALED },
#endif
};

/* The raw VM_* bits change between versions; these do not. */
u32 pgwalk_vma_flags(const struct vm_area_struct *vma)
{
	unsigned long vm = vma->vm_flags;
	u32 flags = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pgwalk_vma_flag_map); i++)
		if (vm & pgwalk_vma_flag_map[i].vm)
			flags |= pgwalk_vma_flag_map[i].flag;
	/*
	 * A VMA gets its anon_vma before its first anonymous page
	 * (vmf_anon_prepare() in the COW and anonymous fault paths), so
	 * without one every page it maps is a file's: pagemap's PM_FILE is
	 * then known without /proc/kpageflags (docs/VERIFY.md rule 7). A
	 * fault under the same read lock may set it after this read: the
	 * flag is then stale for the pages it copies, and verify's re-check,
	 * a second walk, sees the anon_vma and calls that mismatch transient.
	 */
	if (!READ_ONCE(vma->anon_vma))
		flags |= PGWALK_VMA_NO_ANON_VMA;
	return flags;
}

/*
 * MAP_SHARED|MAP_ANONYMOUS (and a shared mapping of /dev/zero) is backed by
 * an internal shmem file that shmem_zero_setup() names "dev/zero".
 * vma_is_anon_shmem() says the same but is not exported.
 */
static bool pgwalk_vma_is_shared_anon(struct vm_area_struct *vma)
{
	struct file *file = vma->vm_file;
	struct inode *inode = file_inode(file);

	return (vma->vm_flags & VM_SHARED) &&
	       inode->i_sb->s_magic == TMPFS_MAGIC && IS_PRIVATE(inode) &&
	       !strcmp(file->f_path.dentry->d_name.name, "dev/zero");
}

/* Copy at most PGWALK_NAME_MAX bytes, "\n" as "\012" like seq_file_path(). */
static size_t pgwalk_copy_escaped(char *dst, const char *src)
{
	size_t n = 0;

	for (; *src; src++) {
		if (*src == '\n') {
			if (n + 4 > PGWALK_NAME_MAX)
				break;
			memcpy(dst + n, "\\012", 4);
			n += 4;
			continue;
		}
		if (n + 1 > PGWALK_NAME_MAX)
			break;
		dst[n++] = *src;
	}
	return n;
}

static size_t pgwalk_copy_name(char *dst, const char *src)
{
	return strscpy(dst, src, PGWALK_NAME_MAX) < 0 ? PGWALK_NAME_MAX - 1 :
							 strlen(dst);
}

/*
 * Write the name of @vma (not NUL terminated) to @name, which has room for
 * PGWALK_NAME_MAX bytes, and its backing kind to *@backing; returns the
 * name's length. @path_buf is PATH_MAX bytes of scratch for d_path().
 */
size_t pgwalk_vma_name(struct vm_area_struct *vma, char *path_buf,
		       char *name, u8 *backing)
{
	struct mm_struct *mm = vma->vm_mm;
	const char *special = NULL;

	if (vma->vm_file) {
		char *path = d_path(&vma->vm_file->f_path, path_buf, PATH_MAX);

		*backing = pgwalk_vma_is_shared_anon(vma) ?
			   PGWALK_BACKING_SHARED_ANON : PGWALK_BACKING_FILE;
		/* /proc/PID/maps prints nothing where d_path() fails. */
		return IS_ERR(path) ? 0 : pgwalk_copy_escaped(name, path);
	}

	/* [vdso], [vvar]: _install_special_mapping() names them. */
	if (vma->vm_ops && vma->vm_ops->name)
		special = vma->vm_ops->name(vma);
	/*
	 * show_map_vma() asks arch_vma_name() next; it is not exported and
	 * x86 returns NULL for every VMA in the tree ([vsyscall] is the gate
	 * VMA, above any user range the walk can reach).
	 */
	if (!special && vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		special = "[heap]";
	if (!special && vma->vm_start <= mm->start_stack &&
	    vma->vm_end >= mm->start_stack)
		special = "[stack]";
	if (special) {
		*backing = PGWALK_BACKING_SPECIAL;
		return pgwalk_copy_name(name, special);
	}

	*backing = PGWALK_BACKING_ANON;
#ifdef CONFIG_ANON_VMA_NAME
	/* anon_vma_name() is not exported; it returns this for file-less VMAs. */
	if (vma->anon_name) {
		int n = snprintf(name, PGWALK_NAME_MAX, "[anon:%s]",
				 vma->anon_name->name);

		return min_t(size_t, n, PGWALK_NAME_MAX - 1);
	}
#endif
	return 0;
}
