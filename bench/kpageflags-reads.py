#!/usr/bin/env python3
# The kpageflags reads verify makes for a process's private file pages,
# replayed alone in a booted guest, by strategy (docs/BENCH.md, change 18):
# "old" one pread per row (the row's frames, up to 512), "blockN" aligned
# N-frame blocks for every frame, "hybridN" (change 18, reverted: slower natively) a row's frames as
# they are and a lone frame's aligned N frames. The frames are the present
# pages of private file VMAs with anonymous pages (smaps), rows runs of
# consecutive frames in address order; the reads are listed first, then
# only the preads are timed.
#
#   make vm-run KVER=6.12 VM_MEM=3G CMD='python3 bench/kpageflags-reads.py python jvm'
import os, struct, sys, time, subprocess
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
def start(kind):
    """Starts workload `kind` as bench/common.sh does for the other scripts; its pid."""
    out = subprocess.run(["bash", "-c", '. bench/common.sh && start_workload "$1" > /dev/null 2>&1 < /dev/null && echo "$wl_pid"',
                          "-", kind], capture_output=True, text=True, check=True)
    time.sleep(1)
    return int(out.stdout.split()[-1])
kpf = os.open("/proc/kpageflags", os.O_RDONLY)
def rows_of(pid):
    pm = os.open(f"/proc/{pid}/pagemap", os.O_RDONLY)
    try:
        return rows_in(pid, pm)
    finally:
        os.close(pm)
def rows_in(pid, pm):
    vmas=[]; cur=None
    for line in open(f"/proc/{pid}/smaps"):
        f=line.split()
        if '-' in f[0] and ':' not in f[0]:
            s,e=[int(x,16) for x in f[0].split('-')]
            cur=[s,e,f[1],len(f)>5 and f[5].startswith('/'),0]; vmas.append(cur)
        elif f[0]=="Anonymous:": cur[4]=int(f[1])
    rows=[]  # (frame, count)
    for s,e,perm,isfile,anon in vmas:
        if not isfile or perm[3]!='p' or anon==0: continue
        n=(e-s)>>12
        data=os.pread(pm,n*8,(s>>12)*8)
        prev=None
        for i in range(n):
            v=struct.unpack_from("<Q",data,i*8)[0]
            if not v>>63: prev=None; continue
            fr=v&((1<<55)-1)
            if prev is not None and fr==prev+1: rows[-1][1]+=1
            else: rows.append([fr,1])
            prev=fr
    return rows
def old(rows):
    L=[]; ws=0; wc=0
    for fr,c in rows:
        for k in range(c):
            f=fr+k
            if ws<=f<ws+wc: continue
            n=min(c-k,512); L.append((n*8,f*8)); ws=f; wc=n
    return L
def block(rows,B,limit=512):
    L=[]; known=set()
    for fr,c in rows:
        for k in range(c):
            f=fr+k; b=f//B
            if b in known: continue
            end=f+min(c-k,limit); cnt=1
            while cnt<limit//B and (b+cnt)*B<end and (b+cnt) not in known: cnt+=1
            L.append((cnt*B*8,b*B*8))
            for j in range(cnt): known.add(b+j)
    return L
def hybrid(rows,N=32,limit=512):
    L=[]; known=set()
    for fr,c in rows:
        for k in range(c):
            f=fr+k
            if f in known: continue
            if c-k>1: r=range(f,f+min(c-k,limit))
            else: s0=f&~(N-1); r=range(s0,s0+N)
            L.append((len(r)*8,r.start*8))
            known.update(r)
    return L
for kind in sys.argv[1:]:
    pid=start(kind)
    rows=rows_of(pid)
    print(kind, "frames", sum(c for _,c in rows), "rows", len(rows))
    for rep in range(3):
        for name,fn in [("old",old)]+[(f"block{B}",lambda r,B=B: block(r,B)) for B in (32,64)]+[(f"hybrid{N}",lambda r,N=N: hybrid(r,N)) for N in (16,32,64)]:
            L=fn(rows)
            t=time.perf_counter()
            for size,off in L: os.pread(kpf,size,off)
            dt=time.perf_counter()-t
            print(f"  {name:8} reads {len(L):5} frames {sum(x for x,_ in L)//8:6} {dt*1e3:7.2f} ms")
    os.kill(pid, 9)
