// SPDX-License-Identifier: GPL-2.0
/*
 * pgwalk: one walk session per open file of debugfs pgwalk/walk.
 *
 * write() takes one request (docs/FORMAT.md section 2), checks access the
 * way /proc/PID/pagemap does and keeps the target's mm with mmgrab() only,
 * so an idle session pins no memory of the target. read() serves the
 * stream from a bounded buffer; when it is drained, the next fill takes a
 * real reference (mmget_not_zero()), walks under mmap_read_lock() until the
 * buffer is full, and drops both before anything is copied to user space.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/cred.h>
#include <linux/ptrace.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "pgwalk.h"

atomic_t pgwalk_sessions = ATOMIC_INIT(0);

/* The tokens of a request as parsed, before the target is looked up. */
struct pgwalk_tokens {
	int pid;
	unsigned long start, end;
	bool has_pid, has_start, has_end, trace, seq;
};

/* "Decimal or 0x hex": no sign, no octal, no empty number. */
static int pgwalk_parse_addr(const char *val, unsigned long *addr)
{
	unsigned long long v;
	int ret;

	if (val[0] == '0' && (val[1] == 'x' || val[1] == 'X')) {
		if (!isxdigit(val[2]))
			return -EINVAL;
		ret = kstrtoull(val + 2, 16, &v);
	} else {
		if (!isdigit(val[0]))
			return -EINVAL;
		ret = kstrtoull(val, 10, &v);
	}
	if (ret)
		return -EINVAL;
	if (v & ~PAGE_MASK)
		return -EINVAL;
	*addr = v;
	return 0;
}

static int pgwalk_parse_token(char *tok, struct pgwalk_tokens *req)
{
	char *val = strchr(tok, '=');

	if (!strcmp(tok, "trace")) {
		if (req->trace)
			return -EINVAL;
		req->trace = true;
		return 0;
	}
	if (!strcmp(tok, "seq")) {
		if (req->seq)
			return -EINVAL;
		req->seq = true;
		return 0;
	}
	if (!val)
		return -EINVAL;
	*val++ = '\0';
	if (!strcmp(tok, "pid")) {
		if (req->has_pid || !isdigit(val[0]) ||
		    kstrtoint(val, 10, &req->pid) || req->pid <= 0)
			return -EINVAL;
		req->has_pid = true;
		return 0;
	}
	if (!strcmp(tok, "start")) {
		if (req->has_start || pgwalk_parse_addr(val, &req->start))
			return -EINVAL;
		req->has_start = true;
		return 0;
	}
	if (!strcmp(tok, "end")) {
		if (req->has_end || pgwalk_parse_addr(val, &req->end))
			return -EINVAL;
		req->has_end = true;
		return 0;
	}
	return -EINVAL;
}

/* @buf is NUL terminated; anything malformed is -EINVAL. */
static int pgwalk_parse(char *buf, size_t len, struct pgwalk_tokens *req)
{
	char *tok;
	int ret;

	/* A NUL would hide the rest of the request from strsep(). */
	if (memchr(buf, '\0', len))
		return -EINVAL;
	while ((tok = strsep(&buf, " \t\n"))) {
		if (!*tok)
			continue;
		ret = pgwalk_parse_token(tok, req);
		if (ret)
			return ret;
	}
	if (!req->has_pid)
		return -EINVAL;
	if (req->has_end && req->start >= req->end)
		return -EINVAL;
	return 0;
}

/*
 * May both the opener and the writer read the target? /proc/PID/pagemap
 * checks the opener at open(); the target is only known at write(), so
 * the opener's credentials (file->f_cred) are checked then, and the
 * writer's too: a privileged process writing a request into a file an
 * unprivileged one opened must not open a door, nor the other way round.
 */
static bool pgwalk_may_read(struct file *file, struct task_struct *task)
{
	const struct cred *old;
	bool ok;

	if (!pgwalk_ptrace_may_access(task, PTRACE_MODE_READ_FSCREDS))
		return false;
	old = override_creds(file->f_cred);
	ok = pgwalk_ptrace_may_access(task, PTRACE_MODE_READ_FSCREDS);
	revert_creds(old);
	return ok;
}

/*
 * Find the target in the writer's pid namespace and take its mm, checking
 * access as /proc/PID/pagemap does. On success *mmp holds mm_count only.
 */
static int pgwalk_get_target(struct file *file, int nr, struct mm_struct **mmp)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *pid;
	int ret = 0;

	pid = find_get_pid(nr);
	task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	put_pid(pid);
	if (!task)
		return -ESRCH;

	if (task->flags & PF_KTHREAD) {
		ret = -ENXIO;
		goto out;
	}
	/*
	 * NULL now means the task has exited (a zombie has no mm). Checked
	 * before access: FORMAT.md puts ESRCH before EACCES, and a zombie
	 * of another user must give ESRCH as any zombie does.
	 */
	mm = get_task_mm(task);
	if (!mm) {
		ret = -ESRCH;
		goto out;
	}
	if (!pgwalk_may_read(file, task)) {
		mmput(mm);
		ret = -EACCES;
		goto out;
	}
	/*
	 * Keep the mm_struct, not the address space: mm_users would keep
	 * all of the target's memory alive for as long as the file is open.
	 */
	mmgrab(mm);
	mmput(mm);
	*mmp = mm;
out:
	put_task_struct(task);
	return ret;
}

static int pgwalk_request(struct file *file, struct pgwalk_session *s,
			  char *buf, size_t len)
{
	struct pgwalk_tokens req = { };
	struct mm_struct *mm;
	unsigned long end;
	int ret;

	ret = pgwalk_parse(buf, len, &req);
	if (ret)
		return ret;
	ret = pgwalk_get_target(file, req.pid, &mm);
	if (ret)
		return ret;

	end = req.has_end ? req.end : mm->task_size;
	if (req.has_end && end > mm->task_size)
		ret = -ERANGE;
	else if (req.start >= end)
		ret = -EINVAL;
	if (ret) {
		mmdrop(mm);
		return ret;
	}

	s->req.mm = mm;
	s->req.pid = req.pid;
	s->req.trace = req.trace;
	s->req.seq = req.seq;
	s->req.start = req.start;
	s->req.end = end;
	s->req.task_size = mm->task_size;
	s->fill.resume = req.start;
	s->has_request = true;
	return 0;
}

static ssize_t pgwalk_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct pgwalk_session *s = file->private_data;
	char buf[PGWALK_REQUEST_MAX + 1];
	int ret;

	ret = mutex_lock_killable(&s->lock);
	if (ret)
		return ret;
	if (s->has_request)
		ret = -EBUSY;
	else if (count > PGWALK_REQUEST_MAX)
		ret = -E2BIG;
	else if (copy_from_user(buf, ubuf, count))
		ret = -EFAULT;
	if (!ret) {
		buf[count] = '\0';
		ret = pgwalk_request(file, s, buf, count);
	}
	mutex_unlock(&s->lock);
	return ret ? ret : count;
}

/*
 * Grow the buffer to what a read of @count bytes can take, within
 * [PGWALK_FILL_MIN, size]; it never shrinks. Called only when the buffer
 * is drained. If a larger buffer cannot be had, the one there is serves:
 * the walk goes on in smaller fills.
 */
static int pgwalk_size_buffer(struct pgwalk_stream *st, size_t count)
{
	size_t want = clamp_t(size_t, count, PGWALK_FILL_MIN, st->size);
	u8 *buf;

	if (st->buf && want <= st->cap)
		return 0;
	want = min_t(size_t, PAGE_ALIGN(want), st->size);
	buf = kvmalloc(want, GFP_KERNEL | (st->buf ? __GFP_NOWARN : 0));
	if (!buf)
		return st->buf ? 0 : -ENOMEM;
	kvfree(st->buf);
	st->buf = buf;
	st->cap = want;
	return 0;
}

/*
 * Refill the drained buffer: one walk_page_range() call under the mmap
 * lock, or the END record once the walk is over or the target is gone.
 */
static int pgwalk_fill(struct pgwalk_session *s, size_t count)
{
	struct mm_struct *mm = s->req.mm;
	unsigned long from = s->fill.resume;
	int ret, err;

	ret = pgwalk_size_buffer(&s->stream, count);
	if (ret)
		return ret;
	if (!s->path_buf) {
		s->path_buf = kmalloc(PATH_MAX + PGWALK_NAME_MAX, GFP_KERNEL);
		if (!s->path_buf)
			return -ENOMEM;
	}

	pgwalk_stream_begin_fill(&s->stream);
	pgwalk_seq_reset(&s->seq);
	s->fill.stopped = false;
	s->fill.progress = false;
	if (!s->stream.started) {
		pgwalk_stream_header(s);
		s->stream.started = true;
	}

	/* The target exited: its page tables are gone or going. */
	if (!mmget_not_zero(mm)) {
		pgwalk_stream_end(&s->stream, -ESRCH, from);
		return 0;
	}
	err = pgwalk_walk_chunk(s, &ret);
	mmput(mm);
	if (err)
		return err;

	if (s->fill.stopped) {
		if (s->fill.resume > from || s->fill.progress)
			return 0;
		/*
		 * Nothing fitted in a whole buffer. Cannot happen with the
		 * smallest buffer_kib, but end the stream rather than loop.
		 */
		pgwalk_stream_end(&s->stream, -ENOBUFS, from);
		return 0;
	}
	if (ret > 0)	/* no callback returns > 0 but to stop */
		ret = -EPROTO;
	pgwalk_stream_end(&s->stream, ret, ret ? from : s->req.end);
	return 0;
}

static ssize_t pgwalk_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct pgwalk_session *s = file->private_data;
	ssize_t ret;
	size_t n;

	ret = mutex_lock_killable(&s->lock);
	if (ret)
		return ret;
	if (!s->has_request) {
		ret = -ENOMSG;
		goto out;
	}
	/* Every fill writes at least one record, or END after a stop. */
	while (s->stream.pos == s->stream.len && !s->stream.done) {
		ret = pgwalk_fill(s, count);
		if (ret)
			goto out;
	}
	n = min(count, s->stream.len - s->stream.pos);
	if (copy_to_user(ubuf, s->stream.buf + s->stream.pos, n)) {
		ret = -EFAULT;
		goto out;
	}
	s->stream.pos += n;
	ret = n;
out:
	mutex_unlock(&s->lock);
	return ret;
}

static int pgwalk_open(struct inode *inode, struct file *file)
{
	struct pgwalk_session *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	mutex_init(&s->lock);
	/* Decided at open, by the opener's credentials, as pagemap does. */
	s->pfn_visible = file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
	s->stream.size = pgwalk_buffer_bytes();
	file->private_data = s;
	atomic_inc(&pgwalk_sessions);
	return nonseekable_open(inode, file);
}

static int pgwalk_release(struct inode *inode, struct file *file)
{
	struct pgwalk_session *s = file->private_data;

	if (s->req.mm)
		mmdrop(s->req.mm);
	kvfree(s->stream.buf);
	kfree(s->path_buf);
	mutex_destroy(&s->lock);
	kfree(s);
	atomic_dec(&pgwalk_sessions);
	return 0;
}

const struct file_operations pgwalk_walk_fops = {
	.owner		= THIS_MODULE,
	.open		= pgwalk_open,
	.release	= pgwalk_release,
	.read		= pgwalk_read,
	.write		= pgwalk_write,
};
