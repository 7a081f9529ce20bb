#!/bin/sh
# gen-tree.sh -- generate a synthetic, internally consistent /proc + /sys tree
# for `buddyctl --root DEST`.  POSIX sh + awk only.
#
#   gen-tree.sh NODES DEST        x86-64 machine with NODES memory nodes
#                                 (ids 0..NODES-1; node 0 has DMA, DMA32 and
#                                 Normal, the others Normal only; 2 CPUs;
#                                 2M and 1G hugepage sizes)
#   gen-tree.sh --spec FILE DEST  tree described by a spec file (the format is
#                                 described in tests/fixtures/README.md; the
#                                 hand-made fixtures are built this way)
#
# Every derived number follows the kernel's rules (see tests/fixtures/README.md):
# zone "pages free" = sum n_k*2^k of the buddyinfo line, node MemTotal/MemFree =
# managed/free pages * page size, pagetypeinfo columns add up to buddyinfo,
# watermarks, lowmem protection, pcp batch/high and vmstat thresholds as the
# kernel computes them, hugepage totals = sum of the per-node pools.
#
# DEST must not exist or be an empty directory.

set -u

usage() {
	echo "usage: gen-tree.sh NODES DEST | gen-tree.sh --spec FILE DEST" >&2
	exit 2
}

# ---------------------------------------------------------------------------
# spec for `gen-tree.sh NODES DEST`
# ---------------------------------------------------------------------------
gen_spec() {
	awk -v N="$1" 'BEGIN {
	seed = 12345
	print "arch x86_64"
	print "page_kb 4"
	print "orders 11"
	print "pageblock_order 9"
	print "zones DMA DMA32 Normal Movable Device"
	print "ratios 256 256 32 0 0"
	print "migratetypes Unmovable Movable Reclaimable HighAtomic Isolate"
	print "ncpus 2"
	print "possible 0-" (N - 1)
	print "hugesizes 2048 1048576"
	print "default_huge 2048"
	print "pmd_size 2097152"
	print "dist_remote 20"
	print "dist_group 8 30"
	if (N == 1) print "node 0 cpus 0-1"
	else { print "node 0 cpus 0"; print "node 1 cpus 1" }
	for (n = 2; n < N; n++) print "node " n
	# node 0: 16M DMA, 3G DMA32 (hole 3G-4G), 4G Normal; node i: 4G Normal
	print "zone 0 DMA 1 4095 3998 3840"
	print "buddy 0 DMA 0 0 0 0 0 0 0 0 1 1 3"
	print "zone 0 DMA32 4096 1044480 782288 765684"
	frag(0, "DMA32", 765684, 0.92, 0.05)
	for (n = 0; n < N; n++) {
		start = (n + 1) * 1048576
		managed = n == 0 ? 1001455 : 1031147 + (n % 7) * 13
		print "zone " n " Normal " start " 1048576 1048576 " managed
		ff = 0.35 + 0.5 * ((n * 37) % 11) / 10      # free fraction
		fr = ((n * 53) % 10) / 10                   # fragmentation 0..0.9
		frag(n, "Normal", managed, ff, fr)
		print "hp 2048 " n " " (16 + (n % 4) * 8) " " (16 + (n % 4) * 8 - (n % 3)) " 0"
	}
	print "hp 1048576 0 1 1 0"
	print "hpg 2048 " (N > 1 ? 1 : 0) " 0"
	print "hpg 1048576 0 0"
}
function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
# buddy counts for a zone of `managed` pages, free fraction ff, fragmentation fr
function frag(n, z, managed, ff, fr,    T, R, k, w, sw, c, line) {
	T = int(managed * ff)
	c[10] = int(T * (1 - fr) * 0.8 / 1024)
	c[9] = int(T * (1 - fr) * 0.1 / 512)
	R = T - c[10] * 1024 - c[9] * 512
	sw = 0
	for (k = 0; k <= 8; k++) { w[k] = 2 ^ (-k * fr * 1.5); sw += w[k] }
	for (k = 0; k <= 8; k++)
		c[k] = int(R * w[k] / sw / 2 ^ k * (0.9 + 0.2 * rnd()))
	line = "buddy " n " " z
	for (k = 0; k <= 10; k++) line = line " " c[k]
	print line
}'
}

# ---------------------------------------------------------------------------
# the engine: spec on stdin, tree under ENVIRON["GT_DEST"]
#   mode=dirs   print "mkdir -p" commands for sh
#   mode=files  write every file
# ---------------------------------------------------------------------------
ENGINE='
function die(msg) { print "gen-tree.sh: " msg > "/dev/stderr"; err = 1; exit 1 }
function rnd() { seedv = (seedv * 16807) % 2147483647; return seedv / 2147483647 }
function fls(x,    r) { r = 0; while (x >= 1) { x = int(x / 2); r++ } return r }
function rdp2(x,    p) { p = 1; while (p * 2 <= x) p *= 2; return p }
function max(a, b) { return a > b ? a : b }
function min(a, b) { return a < b ? a : b }
function ceil(x) { return x == int(x) ? x : int(x) + 1 }
function q(s) { return "\047" s "\047" }   # DEST has no single quote (checked in sh)
# "0,2-3,6" -> arr[1..n], returns n
function parselist(s, arr,    parts, np, i, r, nr, j, n) {
	n = 0
	if (s == "" || s == "-") return 0
	np = split(s, parts, ",")
	for (i = 1; i <= np; i++) {
		nr = split(parts[i], r, "-")
		if (nr == 1) arr[++n] = r[1] + 0
		else for (j = r[1] + 0; j <= r[2] + 0; j++) arr[++n] = j
	}
	return n
}
# sorted ids arr[1..n] -> kernel "%*pbl" list
function fmtlist(arr, n,    s, i, a, b) {
	s = ""
	i = 1
	while (i <= n) {
		a = arr[i]; b = a
		while (i < n && arr[i + 1] == b + 1) { i++; b = arr[i] }
		s = s (s == "" ? "" : ",") (a == b ? a : a "-" b)
		i++
	}
	return s
}
function sortn(arr, n,    i, j, t) {   # insertion sort, small n or sorted input
	for (i = 2; i <= n; i++) {
		t = arr[i]; j = i - 1
		while (j >= 1 && arr[j] > t) { arr[j + 1] = arr[j]; j-- }
		arr[j + 1] = t
	}
}
function wr(f, s) { printf "%s", s > f; close(f) }
function lc(s) { return tolower(s) }
function dist(a, b) {
	if (a == b) return 10
	if ((a SUBSEP b) in distx) return distx[a, b]
	if (distgroup > 0 && int(a / distgroup) != int(b / distgroup)) return distfar
	return distremote
}

BEGIN {
	dest = ENVIRON["GT_DEST"]
	arch = "x86_64"; pk = 4; norders = 11; pbo = 9; ncpus = 1
	distremote = 20; distgroup = 0; distfar = 0
	seedv = 4242; want_pti = 1; possible_s = ""
	sysv["compaction_proactiveness"] = 20
	sysv["extfrag_threshold"] = 500
	NN = 0
}
{ sub(/#.*/, "") }
NF == 0 { next }
$1 == "arch" { arch = $2; next }
$1 == "page_kb" { pk = $2 + 0; next }
$1 == "orders" { norders = $2 + 0; next }
$1 == "pageblock_order" { pbo = $2 + 0; next }
$1 == "zones" { NZ = NF - 1; for (i = 2; i <= NF; i++) { zname[i - 1] = $i; zidx[$i] = i - 1 } next }
$1 == "ratios" { for (i = 2; i <= NF; i++) ratio[i - 1] = $i + 0; next }
$1 == "migratetypes" { NT = NF - 1; for (i = 2; i <= NF; i++) { mt[i - 1] = $i; mtidx[$i] = i - 1 } next }
$1 == "ncpus" { ncpus = $2 + 0; next }
$1 == "possible" { possible_s = $2; next }
$1 == "hugesizes" { NH = NF - 1; for (i = 2; i <= NF; i++) hs[i - 1] = $i + 0; next }
$1 == "default_huge" { defhs = $2 + 0; next }
$1 == "pmd_size" { pmdsize = $2 + 0; next }
$1 == "dist_remote" { distremote = $2 + 0; next }
$1 == "dist_group" { distgroup = $2 + 0; distfar = $3 + 0; next }
$1 == "dist" { distx[$2 + 0, $3 + 0] = $4 + 0; distx[$3 + 0, $2 + 0] = $4 + 0; next }
$1 == "seed" { seedv = $2 + 0; next }
$1 == "pagetypeinfo" { want_pti = ($2 == "yes"); next }
$1 == "sysctl" { sysv[$2] = $3; next }
$1 == "node" {
	n = $2 + 0
	if (n in isnode) die("node " n " declared twice")
	isnode[n] = 1; nodeid[++NN] = n
	cpulist[n] = ""
	if ($3 == "cpus") cpulist[n] = $4
	next
}
$1 == "zone" {
	n = $2 + 0; z = zidx[$3]
	if (!(n in isnode)) die("zone for undeclared node " n)
	if (z == "") die("unknown zone " $3)
	zstart[n, z] = $4 + 0; zspan[n, z] = $5 + 0; zpres[n, z] = $6 + 0; zman[n, z] = $7 + 0
	next
}
$1 == "buddy" {
	n = $2 + 0; z = zidx[$3]
	if (NF - 3 != norders) die("buddy " n " " $3 ": " NF - 3 " counts, want " norders)
	for (k = 0; k < norders; k++) bud[n, z, k] = $(k + 4) + 0
	hasbud[n, z] = 1
	next
}
$1 == "pt" {
	n = $2 + 0; z = zidx[$3]; t = mtidx[$4]
	if (t == "") die("unknown migratetype " $4)
	if (NF - 4 != norders) die("pt " n " " $3 " " $4 ": wrong column count")
	for (k = 0; k < norders; k++) pt[n, z, t, k] = $(k + 5) + 0
	haspt[n, z] = 1; haspt_t[n, z, t] = 1
	next
}
$1 == "blocks" {
	n = $2 + 0; z = zidx[$3]
	if (NF - 3 != NT) die("blocks " n " " $3 ": wrong column count")
	for (t = 1; t <= NT; t++) blk[n, z, t] = $(t + 3) + 0
	hasblk[n, z] = 1
	next
}
$1 == "nokernel" { nokernel[$2 + 0] = 1; next }
$1 == "cma" { zcma[$2 + 0, zidx[$3]] = $4 + 0; next }
$1 == "hp" { s = $2 + 0; n = $3 + 0; hpnr[s, n] = $4 + 0; hpfree[s, n] = $5 + 0; hpsurp[s, n] = $6 + 0; next }
$1 == "hpg" { s = $2 + 0; hpresv[s] = $3 + 0; hpover[s] = $4 + 0; next }
{ die("spec line " NR ": unknown keyword " $1) }

END {
	if (err) exit 1
	if (dest == "") die("GT_DEST not set")
	if (NN == 0) die("no nodes")
	sortn(nodeid, NN)
	root_node = dest "/sys/devices/system/node"
	root_hp = dest "/sys/kernel/mm/hugepages"
	pmdkb = pmdsize / 1024
	pmdpages = pmdkb / pk
	ppb = 2 ^ pbo
	x86 = (arch == "x86_64")

	if (mode == "dirs") {
		ndirs = 0
		d[++ndirs] = dest "/proc/sys/vm"
		d[++ndirs] = dest "/sys/kernel/mm/transparent_hugepage"
		for (h = 1; h <= NH; h++) d[++ndirs] = root_hp "/hugepages-" hs[h] "kB"
		for (i = 1; i <= NN; i++)
			for (h = 1; h <= NH; h++)
				d[++ndirs] = root_node "/node" nodeid[i] "/hugepages/hugepages-" hs[h] "kB"
		line = ""
		for (i = 1; i <= ndirs; i++) {
			line = line " " q(d[i])
			if (i % 200 == 0 || i == ndirs) { print "mkdir -p" line; line = "" }
		}
		exit 0
	}

	# ---------------- per-zone basics ----------------
	lowmem = 0; nzl = 0; totalpres = 0
	for (i = 1; i <= NN; i++) {
		n = nodeid[i]
		nman[n] = 0; nfree[n] = 0; npop[n] = 0; firstpop[n] = 0
		for (z = 1; z <= NZ; z++) {
			pop[n, z] = (zpres[n, z] > 0)
			if (!pop[n, z]) { zman[n, z] = 0; zspan[n, z] += 0; zpres[n, z] = 0; zfree[n, z] = 0; continue }
			if (!hasbud[n, z]) die("zone " n "/" zname[z] " has no buddy line")
			if (zman[n, z] > zpres[n, z] || zpres[n, z] > zspan[n, z])
				die("zone " n "/" zname[z] ": need managed <= present <= spanned")
			npop[n]++
			if (!firstpop[n]) firstpop[n] = z
			f = 0; fb = 0
			for (k = 0; k < norders; k++) {
				f += bud[n, z, k] * 2 ^ k
				if (k >= pbo) fb += bud[n, z, k] * 2 ^ k
			}
			if (f > zman[n, z]) die("zone " n "/" zname[z] ": free " f " > managed " zman[n, z])
			zfree[n, z] = f; zfreeb[n, z] = fb
			nman[n] += zman[n, z]; nfree[n] += f
			totalpres += zpres[n, z]
			if (zname[z] != "Movable" && zname[z] != "HighMem") { lowmem += zman[n, z]; if (z <= zidx["Normal"]) nzl++ }
		}
		if (nman[n] > 0) memnodes[++NM] = n
		if (cpulist[n] != "") {
			nc = parselist(cpulist[n], tmpa)
			ncpu_node[n] = nc
			for (c = 1; c <= nc; c++) cpunode[tmpa[c]] = n
			cpunodes[++NC] = n
		} else ncpu_node[n] = 0
		normal_ok[n] = 0
		for (z = 1; z <= NZ; z++) if (pop[n, z] && zname[z] != "Movable" && zname[z] != "Device") normal_ok[n] = 1
		if (normal_ok[n]) normnodes[++NNM] = n
	}
	if (lowmem == 0) die("no lowmem")

	# ---------------- watermarks (mm/page_alloc.c, mm/khugepaged.c) ----------------
	mfk = int(sqrt(lowmem * pk * 16))
	mfk = min(max(mfk, 128), 262144)
	rec = min(ppb * nzl * 11, int(lowmem / 20)) * pk      # set_recommended_min_free_kbytes
	if (rec > mfk) mfk = rec
	pages_min = int(mfk / pk)
	totalreserve = 0; sumlow = 0
	for (i = 1; i <= NN; i++) {
		n = nodeid[i]
		for (z = 1; z <= NZ; z++) {
			m = zman[n, z]
			tmp = int(pages_min * m / lowmem)
			if (zname[z] == "Movable" || zname[z] == "HighMem") wmin[n, z] = min(max(int(m / 1024), 32), 128)
			else wmin[n, z] = tmp
			delta = max(int(tmp / 4), int(m * 10 / 10000))
			wlow[n, z] = wmin[n, z] + delta
			whigh[n, z] = wlow[n, z] + delta
			wpromo[n, z] = whigh[n, z] + delta
			if (pop[n, z] && !(wmin[n, z] < wlow[n, z] && wlow[n, z] < whigh[n, z]))
				die("zone " n "/" zname[z] ": watermarks not increasing")
			# lowmem_reserve
			clear = (ratio[z] == 0 || m == 0)
			acc = 0; mx = 0
			for (j = 1; j <= NZ; j++) {
				if (j <= z) { prot[n, z, j] = 0; continue }
				acc += zman[n, j]
				prot[n, z, j] = clear ? 0 : int(acc / ratio[z])
				if (prot[n, z, j] > mx) mx = prot[n, z, j]
			}
			if (pop[n, z]) {
				r = mx + whigh[n, z]; if (r > m) r = m
				totalreserve += r
				sumlow += wlow[n, z]
			}
		}
	}

	# ---------------- hugepages ----------------
	defidx = 0
	for (h = 1; h <= NH; h++) {
		s = hs[h]; if (s == defhs) defidx = h
		gnr[s] = 0; gfree[s] = 0; gsurp[s] = 0
		for (i = 1; i <= NN; i++) {
			n = nodeid[i]
			hpnr[s, n] += 0; hpfree[s, n] += 0; hpsurp[s, n] += 0
			if (hpfree[s, n] > hpnr[s, n] || hpsurp[s, n] > hpnr[s, n]) die("hugepages " s "kB node " n ": free/surplus > nr")
			if (hpnr[s, n] > 0 && nman[n] == 0) die("hugepages on memoryless node " n)
			gnr[s] += hpnr[s, n]; gfree[s] += hpfree[s, n]; gsurp[s] += hpsurp[s, n]
			nhtlb[n] += hpnr[s, n] * s / pk
		}
		hpresv[s] += 0; hpover[s] += 0
		if (hpresv[s] > gfree[s]) die("hugepages " s "kB: resv > free")
	}
	if (!defidx) die("default_huge not among hugesizes")

	# ---------------- per-node usage breakdown (pages) ----------------
	for (i = 1; i <= NN; i++) {
		n = nodeid[i]
		U = nman[n] - nfree[n] - nhtlb[n] + 0
		if (nman[n] > 0 && U < nman[n] * 0.01) die("node " n ": free + hugetlb leave less than 1% of managed for everything else")
		if (U < 0) U = 0
		shmem[n] = int(U * 0.03); filec[n] = int(U * 0.37); anon[n] = int(U * 0.25)
		srecl[n] = int(U * 0.08); sunrecl[n] = int(U * 0.04); ptab[n] = int(U * 0.01)
		kstack[n] = int(U * 0.002 * pk / 16) * 16
		if (n in nokernel) { srecl[n] = 0; sunrecl[n] = 0; ptab[n] = 0; kstack[n] = 0 }   # ZONE_MOVABLE only
		unevict[n] = int(U * 0.005); mlock[n] = int(unevict[n] * 0.9)
		buffers[n] = int(filec[n] * 0.02)
		filep[n] = filec[n] + shmem[n]
		afile[n] = int(filec[n] * 0.55); ifile[n] = filec[n] - afile[n]
		aanon[n] = int((anon[n] + shmem[n]) * 0.3); ianon[n] = anon[n] + shmem[n] - aanon[n]
		mapped[n] = int(filec[n] * 0.3); dirty[n] = int(filec[n] * 0.002)
		thp[n] = pmdpages > 0 ? int(anon[n] * 0.2 / pmdpages) : 0
		# node stat items, in kernel order
		ns[n, "nr_inactive_anon"] = ianon[n]; ns[n, "nr_active_anon"] = aanon[n]
		ns[n, "nr_inactive_file"] = ifile[n]; ns[n, "nr_active_file"] = afile[n]
		ns[n, "nr_unevictable"] = unevict[n]
		ns[n, "nr_slab_reclaimable"] = srecl[n]; ns[n, "nr_slab_unreclaimable"] = sunrecl[n]
		ns[n, "workingset_nodes"] = int(filec[n] * 0.05)
		ns[n, "workingset_refault_file"] = int(filec[n] * 0.3)
		ns[n, "workingset_activate_file"] = int(filec[n] * 0.02)
		ns[n, "nr_anon_pages"] = anon[n]; ns[n, "nr_mapped"] = mapped[n]
		ns[n, "nr_file_pages"] = filep[n]; ns[n, "nr_dirty"] = dirty[n]
		ns[n, "nr_shmem"] = shmem[n]
		ns[n, "nr_anon_transparent_hugepages"] = thp[n]
		ns[n, "nr_dirtied"] = filec[n] * 2; ns[n, "nr_written"] = filec[n] * 2 - dirty[n]
		ns[n, "nr_foll_pin_acquired"] = int(U * 0.001); ns[n, "nr_foll_pin_released"] = int(U * 0.001)
		ns[n, "nr_kernel_stack"] = kstack[n]; ns[n, "nr_page_table_pages"] = ptab[n]
		ns[n, "nr_hugetlb"] = nhtlb[n]
		# zone counters: node LRU spread over zones by used pages
		zlist = "nr_zone_inactive_anon nr_zone_active_anon nr_zone_inactive_file nr_zone_active_file nr_zone_unevictable nr_zone_write_pending nr_mlock"
		nzc = split(zlist, zc, " ")
		tot[1] = ianon[n]; tot[2] = aanon[n]; tot[3] = ifile[n]; tot[4] = afile[n]
		tot[5] = unevict[n]; tot[6] = dirty[n]; tot[7] = mlock[n]
		used_all = nman[n] - nfree[n]
		lastz = 0
		for (z = 1; z <= NZ; z++) if (pop[n, z]) lastz = z
		for (c = 1; c <= nzc; c++) {
			left = tot[c]
			for (z = 1; z <= NZ; z++) {
				if (!pop[n, z]) continue
				if (z == lastz) v = left
				else v = used_all > 0 ? int(tot[c] * (zman[n, z] - zfree[n, z]) / used_all) : 0
				zs[n, z, zc[c]] = v; left -= v
			}
		}
		for (z = 1; z <= NZ; z++) {
			if (!pop[n, z]) continue
			zu = zman[n, z] - zfree[n, z]
			hit = zu > 0 ? zu * 7 + int(rnd() * 1000) : 0
			other = NM > 1 ? int(hit * 0.02) : 0
			miss = NM > 1 ? int(hit * 0.01) : 0
			zs[n, z, "numa_hit"] = hit; zs[n, z, "numa_miss"] = miss
			zs[n, z, "numa_foreign"] = miss; zs[n, z, "numa_interleave"] = z == lastz ? 1125 : 0
			zs[n, z, "numa_local"] = hit + miss - other; zs[n, z, "numa_other"] = other
			zs[n, z, "nr_free_pages"] = zfree[n, z]
			zs[n, z, "nr_free_pages_blocks"] = zfreeb[n, z]
			zs[n, z, "nr_zspages"] = 0
		}
	}

	# ---------------- pagetypeinfo split and block counts ----------------
	for (i = 1; i <= NN; i++) {
		n = nodeid[i]
		for (z = 1; z <= NZ; z++) {
			if (!pop[n, z]) continue
			if (haspt[n, z]) {
				for (k = 0; k < norders; k++) {
					s = 0
					for (t = 1; t <= NT; t++) s += pt[n, z, t, k]
					if (s != bud[n, z, k]) die("pt " n "/" zname[z] " order " k ": types sum " s " != buddy " bud[n, z, k])
				}
			} else {
				if (zcma[n, z] > 0) die("zone " n "/" zname[z] " has cma pages: give pt lines")
				fu = 0.04 + 0.12 * rnd(); fr = 0.02 + 0.06 * rnd()
				if (zname[z] == "Movable") { fu = 0; fr = 0 }
				for (k = 0; k < norders; k++) {
					c = bud[n, z, k]
					for (t = 1; t <= NT; t++) pt[n, z, t, k] = 0
					u = k < pbo ? int(c * fu * (1 - k / pbo)) : 0
					r = k < pbo ? int(c * fr * (1 - k / pbo)) : 0
					pt[n, z, mtidx["Unmovable"], k] = u
					pt[n, z, mtidx["Reclaimable"], k] = r
					pt[n, z, mtidx["Movable"], k] = c - u - r
				}
			}
			cmat = ("CMA" in mtidx) ? mtidx["CMA"] : 0
			zs[n, z, "nr_free_cma"] = 0
			for (t = 1; t <= NT; t++) {
				tp = 0
				for (k = 0; k < norders; k++) tp += pt[n, z, t, k] * 2 ^ k
				need[t] = ceil(tp / ppb)
				if (t == cmat) zs[n, z, "nr_free_cma"] = tp
			}
			total = ceil(zpres[n, z] / ppb)
			if (!hasblk[n, z]) {
				for (t = 1; t <= NT; t++) blk[n, z, t] = need[t]
				mv = mtidx["Movable"]; um = mtidx["Unmovable"]; rc = mtidx["Reclaimable"]
				if (zname[z] != "Movable") {
					blk[n, z, um] = max(need[um], int(total * 0.05 + 0.5))
					blk[n, z, rc] = max(need[rc], int(total * 0.02 + 0.5))
				}
				if (cmat) blk[n, z, cmat] = max(need[cmat], zcma[n, z] / ppb)
				others = 0
				for (t = 1; t <= NT; t++) if (t != mv) others += blk[n, z, t]
				blk[n, z, mv] = total - others
				if (blk[n, z, mv] < need[mv]) {
					blk[n, z, um] = need[um]; blk[n, z, rc] = need[rc]
					others = 0
					for (t = 1; t <= NT; t++) if (t != mv) others += blk[n, z, t]
					blk[n, z, mv] = total - others
				}
			}
			for (t = 1; t <= NT; t++)
				if (blk[n, z, t] < need[t]) die("zone " n "/" zname[z] ": " mt[t] " blocks " blk[n, z, t] " < needed " need[t])
		}
	}

	# ---------------- /proc/buddyinfo, zoneinfo, pagetypeinfo ----------------
	fb = dest "/proc/buddyinfo"; fz = dest "/proc/zoneinfo"; fp = dest "/proc/pagetypeinfo"
	printf "" > fb; printf "" > fz
	if (want_pti) printf "" > fp
	nnitems = split("nr_inactive_anon nr_active_anon nr_inactive_file nr_active_file nr_unevictable nr_slab_reclaimable nr_slab_unreclaimable nr_isolated_anon nr_isolated_file workingset_nodes workingset_refault_anon workingset_refault_file workingset_activate_anon workingset_activate_file workingset_restore_anon workingset_restore_file workingset_nodereclaim nr_anon_pages nr_mapped nr_file_pages nr_dirty nr_writeback nr_shmem nr_shmem_hugepages nr_shmem_pmdmapped nr_file_hugepages nr_file_pmdmapped nr_anon_transparent_hugepages nr_vmscan_write nr_vmscan_immediate_reclaim nr_dirtied nr_written nr_throttled_written nr_kernel_misc_reclaimable nr_foll_pin_acquired nr_foll_pin_released nr_kernel_stack nr_page_table_pages nr_sec_page_table_pages nr_iommu_pages nr_swapcached pgpromote_success pgpromote_candidate pgpromote_candidate_nrl pgdemote_kswapd pgdemote_direct pgdemote_khugepaged pgdemote_proactive nr_hugetlb nr_balloon_pages nr_kernel_file_pages", nitem, " ")
	nzitems = split("nr_free_pages nr_free_pages_blocks nr_zone_inactive_anon nr_zone_active_anon nr_zone_inactive_file nr_zone_active_file nr_zone_unevictable nr_zone_write_pending nr_mlock nr_zspages nr_free_cma", zitem, " ")
	nnuma = split("numa_hit numa_miss numa_foreign numa_interleave numa_local numa_other", numa, " ")
	for (i = 1; i <= NN; i++) {
		n = nodeid[i]
		nsplit = ncpu_node[n] ? ncpu_node[n] : ncpus
		for (z = 1; z <= NZ; z++) {
			# zoneinfo
			printf "Node %d, zone %8s", n, zname[z] > fz
			if (z == firstpop[n]) {
				printf "\n  per-node stats" > fz
				for (j = 1; j <= nnitems; j++) printf "\n      %-12s %.0f", nitem[j], ns[n, nitem[j]] > fz
			}
			printf "\n  pages free     %.0f\n        boost    0\n        min      %.0f\n        low      %.0f\n        high     %.0f\n        promo    %.0f\n        spanned  %.0f\n        present  %.0f\n        managed  %.0f\n        cma      %.0f", zfree[n, z], wmin[n, z], wlow[n, z], whigh[n, z], wpromo[n, z], zspan[n, z], zpres[n, z], zman[n, z], zcma[n, z] > fz
			printf "\n        protection: (%.0f", prot[n, z, 1] > fz
			for (j = 2; j <= NZ; j++) printf ", %.0f", prot[n, z, j] > fz
			printf ")" > fz
			if (!pop[n, z]) { printf "\n" > fz; continue }
			for (j = 1; j <= nzitems; j++) printf "\n      %-12s %.0f", zitem[j], zs[n, z, zitem[j]] > fz
			for (j = 1; j <= nnuma; j++) printf "\n      %-12s %.0f", numa[j], zs[n, z, numa[j]] > fz
			m = zman[n, z]
			batch = int(min(int(m / 1024), int(1024 / pk)) / 4)
			if (batch < 1) batch = 1
			batch = max(1, rdp2(batch + int(batch / 2)) - 1)
			hmin = max(int(wlow[n, z] / nsplit), batch * 4)
			hmax = max(int(int(m / 8) / nsplit), batch * 4)
			thr = min(125, 2 * fls(ncpus) * (1 + fls(int(m / (2 ^ 17 / pk)))))
			printf "\n  pagesets" > fz
			for (c = 0; c < ncpus; c++) {
				if (zname[z] == "DMA") { cnt = 0; hi = 0 }
				else if (z == lastpopz(n)) { hi = hmin + int(rnd() * hmin * 0.1); cnt = int(rnd() * hi * 0.6) }
				else { hi = hmin; cnt = 0 }
				printf "\n    cpu: %d\n              count:    %d\n              high:     %d\n              batch:    %d\n              high_min: %d\n              high_max: %d\n  vm stats threshold: %d", c, cnt, hi, batch, hmin, hmax, thr > fz
			}
			printf "\n  node_unreclaimable:  0\n  start_pfn:           %.0f\n", zstart[n, z] > fz
			# buddyinfo
			printf "Node %d, zone %8s ", n, zname[z] > fb
			for (k = 0; k < norders; k++) printf "%6.0f ", bud[n, z, k] > fb
			printf "\n" > fb
		}
		# pagetypeinfo (memory nodes only; header repeated per node)
		if (want_pti && nman[n] > 0) {
			printf "Page block order: %d\nPages per block:  %d\n\n", pbo, ppb > fp
			printf "%-43s ", "Free pages count per migrate type at order" > fp
			for (k = 0; k < norders; k++) printf "%6d ", k > fp
			printf "\n" > fp
			for (z = 1; z <= NZ; z++) {
				if (!pop[n, z]) continue
				for (t = 1; t <= NT; t++) {
					printf "Node %4d, zone %8s, type %12s ", n, zname[z], mt[t] > fp
					for (k = 0; k < norders; k++) {
						v = pt[n, z, t, k]
						if (v >= 100000) printf ">100000 " > fp
						else printf "%6.0f ", v > fp
					}
					printf "\n" > fp
				}
			}
			printf "\n%-23s", "Number of blocks type " > fp
			for (t = 1; t <= NT; t++) printf "%12s ", mt[t] > fp
			printf "\n" > fp
			for (z = 1; z <= NZ; z++) {
				if (!pop[n, z]) continue
				printf "Node %d, zone %8s ", n, zname[z] > fp
				for (t = 1; t <= NT; t++) printf "%12.0f ", blk[n, z, t] > fp
				printf "\n" > fp
			}
		}
	}
	close(fb); close(fz)
	if (want_pti) close(fp)

	# ---------------- node directories ----------------
	for (i = 1; i <= NN; i++) onl[i] = nodeid[i]
	online_s = fmtlist(onl, NN)
	sortn(memnodes, NM); sortn(cpunodes, NC); sortn(normnodes, NNM)
	if (possible_s == "") possible_s = online_s
	np = parselist(possible_s, posa)
	wr(root_node "/online", online_s "\n")
	wr(root_node "/possible", fmtlist(posa, np) "\n")
	wr(root_node "/has_memory", fmtlist(memnodes, NM) "\n")
	wr(root_node "/has_normal_memory", fmtlist(normnodes, NNM) "\n")
	wr(root_node "/has_cpu", fmtlist(cpunodes, NC) "\n")
	for (i = 1; i <= NN; i++) {
		n = nodeid[i]
		nd = root_node "/node" n
		nc = parselist(cpulist[n], tmpa)
		wr(nd "/cpulist", fmtlist(tmpa, nc) "\n")
		wr(nd "/compact", "")
		f = nd "/distance"
		for (j = 1; j <= NN; j++) printf "%s%d", (j > 1 ? " " : ""), dist(n, nodeid[j]) > f
		printf "\n" > f
		close(f)
		for (h = 1; h <= NH; h++) {
			hd = nd "/hugepages/hugepages-" hs[h] "kB"
			wr(hd "/nr_hugepages", hpnr[hs[h], n] "\n")
			wr(hd "/free_hugepages", hpfree[hs[h], n] "\n")
			wr(hd "/surplus_hugepages", hpsurp[hs[h], n] "\n")
		}
		# node meminfo
		f = nd "/meminfo"
		nmi(f, n, "MemTotal:", nman[n] * pk)
		nmi(f, n, "MemFree:", nfree[n] * pk)
		nmi(f, n, "MemUsed:", (nman[n] - nfree[n]) * pk)
		nmi(f, n, "SwapCached:", 0)
		nmi(f, n, "Active:", (aanon[n] + afile[n]) * pk)
		nmi(f, n, "Inactive:", (ianon[n] + ifile[n]) * pk)
		nmi(f, n, "Active(anon):", aanon[n] * pk)
		nmi(f, n, "Inactive(anon):", ianon[n] * pk)
		nmi(f, n, "Active(file):", afile[n] * pk)
		nmi(f, n, "Inactive(file):", ifile[n] * pk)
		nmi(f, n, "Unevictable:", unevict[n] * pk)
		nmi(f, n, "Mlocked:", mlock[n] * pk)
		nmi(f, n, "Dirty:", dirty[n] * pk)
		nmi(f, n, "Writeback:", 0)
		nmi(f, n, "FilePages:", filep[n] * pk)
		nmi(f, n, "Mapped:", mapped[n] * pk)
		nmi(f, n, "AnonPages:", anon[n] * pk)
		nmi(f, n, "Shmem:", shmem[n] * pk)
		nmi(f, n, "KernelStack:", kstack[n])
		nmi(f, n, "PageTables:", ptab[n] * pk)
		nmi(f, n, "SecPageTables:", 0)
		nmi(f, n, "NFS_Unstable:", 0)
		nmi(f, n, "Bounce:", 0)
		nmi(f, n, "WritebackTmp:", 0)
		nmi(f, n, "KReclaimable:", srecl[n] * pk)
		nmi(f, n, "Slab:", (srecl[n] + sunrecl[n]) * pk)
		nmi(f, n, "SReclaimable:", srecl[n] * pk)
		nmi(f, n, "SUnreclaim:", sunrecl[n] * pk)
		nmi(f, n, "AnonHugePages:", thp[n] * pmdkb)
		nmi(f, n, "ShmemHugePages:", 0)
		nmi(f, n, "ShmemPmdMapped:", 0)
		nmi(f, n, "FileHugePages:", 0)
		nmi(f, n, "FilePmdMapped:", 0)
		printf "Node %d %-16s %5d\n", n, "HugePages_Total:", hpnr[defhs, n] > f
		printf "Node %d %-16s %5d\n", n, "HugePages_Free:", hpfree[defhs, n] > f
		printf "Node %d %-16s %5d\n", n, "HugePages_Surp:", hpsurp[defhs, n] > f
		close(f)
		# node vmstat
		f = nd "/vmstat"
		for (j = 1; j <= nzitems; j++) { v = 0; for (z = 1; z <= NZ; z++) v += zs[n, z, zitem[j]]; printf "%s %.0f\n", zitem[j], v > f; gz[zitem[j]] += v }
		for (j = 1; j <= nnuma; j++) { v = 0; for (z = 1; z <= NZ; z++) v += zs[n, z, numa[j]]; printf "%s %.0f\n", numa[j], v > f; gz[numa[j]] += v }
		for (j = 1; j <= nnitems; j++) { v = ns[n, nitem[j]] + 0; printf "%s %.0f\n", nitem[j], v > f; gn[nitem[j]] += v }
		close(f)
		# totals for /proc/meminfo
		T_man += nman[n]; T_free += nfree[n]; T_buf += buffers[n]; T_filep += filep[n]
		T_aanon += aanon[n]; T_ianon += ianon[n]; T_afile += afile[n]; T_ifile += ifile[n]
		T_unev += unevict[n]; T_mlock += mlock[n]; T_dirty += dirty[n]; T_anon += anon[n]
		T_mapped += mapped[n]; T_shmem += shmem[n]; T_srecl += srecl[n]; T_sunrecl += sunrecl[n]
		T_kstack += kstack[n]; T_ptab += ptab[n]; T_thp += thp[n]
		for (z = 1; z <= NZ; z++) { T_cma += zcma[n, z]; T_cmafree += zs[n, z, "nr_free_cma"]; pgalloc[z] += zs[n, z, "numa_hit"] + zs[n, z, "numa_miss"] }
	}

	# ---------------- global hugepages, sysctls, THP ----------------
	for (h = 1; h <= NH; h++) {
		s = hs[h]; hd = root_hp "/hugepages-" s "kB"
		wr(hd "/nr_hugepages", gnr[s] "\n")
		wr(hd "/nr_hugepages_mempolicy", gnr[s] "\n")
		wr(hd "/free_hugepages", gfree[s] "\n")
		wr(hd "/resv_hugepages", hpresv[s] "\n")
		wr(hd "/surplus_hugepages", gsurp[s] "\n")
		wr(hd "/nr_overcommit_hugepages", hpover[s] "\n")
		T_htlb += gnr[s] * s
	}
	wr(dest "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", pmdsize "\n")
	sv = dest "/proc/sys/vm/"
	wr(sv "nr_hugepages", (gnr[defhs] - gsurp[defhs]) "\n")
	wr(sv "nr_hugepages_mempolicy", (gnr[defhs] - gsurp[defhs]) "\n")
	wr(sv "nr_overcommit_hugepages", hpover[defhs] "\n")
	wr(sv "compaction_proactiveness", sysv["compaction_proactiveness"] "\n")
	wr(sv "extfrag_threshold", sysv["extfrag_threshold"] "\n")
	wr(sv "compact_memory", "")
	wr(sv "drop_caches", "")

	# ---------------- /proc/meminfo ----------------
	f = dest "/proc/meminfo"
	filelru = T_afile + T_ifile
	avail = T_free - totalreserve
	avail += filelru - min(int(filelru / 2), sumlow)
	avail += T_srecl - min(int(T_srecl / 2), sumlow)
	if (avail < 0) avail = 0
	gmi(f, "MemTotal:", T_man * pk)
	gmi(f, "MemFree:", T_free * pk)
	gmi(f, "MemAvailable:", avail * pk)
	gmi(f, "Buffers:", T_buf * pk)
	gmi(f, "Cached:", (T_filep - T_buf) * pk)
	gmi(f, "SwapCached:", 0)
	gmi(f, "Active:", (T_aanon + T_afile) * pk)
	gmi(f, "Inactive:", (T_ianon + T_ifile) * pk)
	gmi(f, "Active(anon):", T_aanon * pk)
	gmi(f, "Inactive(anon):", T_ianon * pk)
	gmi(f, "Active(file):", T_afile * pk)
	gmi(f, "Inactive(file):", T_ifile * pk)
	gmi(f, "Unevictable:", T_unev * pk)
	gmi(f, "Mlocked:", T_mlock * pk)
	gmi(f, "SwapTotal:", 0)
	gmi(f, "SwapFree:", 0)
	gmi(f, "Zswap:", 0)
	gmi(f, "Zswapped:", 0)
	gmi(f, "Dirty:", T_dirty * pk)
	gmi(f, "Writeback:", 0)
	gmi(f, "AnonPages:", T_anon * pk)
	gmi(f, "Mapped:", T_mapped * pk)
	gmi(f, "Shmem:", T_shmem * pk)
	gmi(f, "KReclaimable:", T_srecl * pk)
	gmi(f, "Slab:", (T_srecl + T_sunrecl) * pk)
	gmi(f, "SReclaimable:", T_srecl * pk)
	gmi(f, "SUnreclaim:", T_sunrecl * pk)
	gmi(f, "KernelStack:", T_kstack)
	gmi(f, "PageTables:", T_ptab * pk)
	gmi(f, "SecPageTables:", 0)
	gmi(f, "NFS_Unstable:", 0)
	gmi(f, "Bounce:", 0)
	gmi(f, "WritebackTmp:", 0)
	gmi(f, "CommitLimit:", int((T_man - T_htlb / pk) / 2) * pk)
	gmi(f, "Committed_AS:", int(T_anon * 1.6 + T_shmem) * pk)
	gmi(f, "VmallocTotal:", x86 ? 34359738367 : 135288315904)
	gmi(f, "VmallocUsed:", 14076 + 4 * NN * (x86 ? 1 : 16))
	gmi(f, "VmallocChunk:", 0)
	gmi(f, "Percpu:", 344 * ncpus + 64 * NN)
	if (!x86) printf "HardwareCorrupted: %5d kB\n", 0 > f
	gmi(f, "AnonHugePages:", T_thp * pmdkb)
	gmi(f, "ShmemHugePages:", 0)
	gmi(f, "ShmemPmdMapped:", 0)
	gmi(f, "FileHugePages:", 0)
	gmi(f, "FilePmdMapped:", 0)
	if ("CMA" in mtidx) { gmi(f, "CmaTotal:", T_cma * pk); gmi(f, "CmaFree:", T_cmafree * pk) }
	gmi(f, "Balloon:", 0)
	printf "HugePages_Total:   %5d\n", gnr[defhs] > f
	printf "HugePages_Free:    %5d\n", gfree[defhs] > f
	printf "HugePages_Rsvd:    %5d\n", hpresv[defhs] > f
	printf "HugePages_Surp:    %5d\n", gsurp[defhs] > f
	gmi(f, "Hugepagesize:", defhs)
	gmi(f, "Hugetlb:", T_htlb)
	if (x86) {
		physkb = totalpres * pk
		dm1g = physkb > 4194304 ? (int(physkb / 1048576) - 3) * 1048576 : 0
		dm4k = 26624
		dm2m = int((physkb - dm1g - dm4k) / 2048) * 2048
		if (dm2m < 0) dm2m = 0
		gmi(f, "DirectMap4k:", dm4k)
		gmi(f, "DirectMap2M:", dm2m)
		gmi(f, "DirectMap1G:", dm1g)
	}
	close(f)

	# ---------------- /proc/vmstat ----------------
	f = dest "/proc/vmstat"
	for (j = 1; j <= nzitems; j++) printf "%s %.0f\n", zitem[j], gz[zitem[j]] > f
	for (j = 1; j <= nnuma; j++) printf "%s %.0f\n", numa[j], gz[numa[j]] > f
	for (j = 1; j <= nnitems; j++) printf "%s %.0f\n", nitem[j], gn[nitem[j]] > f
	dirtyable = max(T_free - totalreserve, 0) + filelru
	printf "nr_dirty_threshold %.0f\n", int(dirtyable * 0.2) > f
	printf "nr_dirty_background_threshold %.0f\n", int(dirtyable * 0.1) > f
	printf "nr_memmap_pages 0\n" > f
	printf "nr_memmap_boot_pages %.0f\n", int(totalpres * 64 / (pk * 1024)) > f
	ev["pgpgin"] = T_filep * pk * 3; ev["pgpgout"] = T_dirty * pk * 40
	sumalloc = 0
	for (z = 1; z <= NZ; z++) { ev["pgalloc_" lc(zname[z])] = pgalloc[z]; sumalloc += pgalloc[z] }
	ev["pgfree"] = sumalloc + T_free
	ev["pgactivate"] = T_afile + T_aanon; ev["pgfault"] = T_anon * 9; ev["pgmajfault"] = int(T_filep / 20)
	ev["pgreuse"] = int(T_anon * 0.6); ev["pgrotated"] = int(T_ifile / 100)
	ev["slabs_scanned"] = int(T_srecl / 50); ev["drop_pagecache"] = 0; ev["drop_slab"] = 0
	ev["pgmigrate_success"] = int(T_man / 300); ev["compact_migrate_scanned"] = int(T_man / 40)
	ev["compact_free_scanned"] = int(T_man / 30); ev["compact_isolated"] = int(T_man / 150)
	ev["compact_daemon_wake"] = 3 * NM
	ev["htlb_buddy_alloc_success"] = 0
	for (h = 1; h <= NH; h++) if (hs[h] / pk <= 2 ^ (norders - 1)) ev["htlb_buddy_alloc_success"] += gnr[hs[h]]
	ev["unevictable_pgs_culled"] = T_unev * 4; ev["unevictable_pgs_mlocked"] = T_mlock * 4
	ev["unevictable_pgs_munlocked"] = T_mlock * 3; ev["unevictable_pgs_rescued"] = T_mlock * 3
	ev["thp_fault_alloc"] = T_thp + int(T_thp / 4); ev["thp_split_pmd"] = int(T_thp / 8)
	ev["thp_zero_page_alloc"] = 1
	if (x86) ev["direct_map_level2_splits"] = 3
	evl = "pgpgin pgpgout pswpin pswpout"
	for (z = 1; z <= NZ; z++) evl = evl " pgalloc_" lc(zname[z])
	for (z = 1; z <= NZ; z++) evl = evl " allocstall_" lc(zname[z])
	for (z = 1; z <= NZ; z++) evl = evl " pgskip_" lc(zname[z])
	evl = evl " pgfree pgactivate pgdeactivate pglazyfree pgfault pgmajfault pglazyfreed pgrefill pgreuse pgsteal_kswapd pgsteal_direct pgsteal_khugepaged pgsteal_proactive pgscan_kswapd pgscan_direct pgscan_khugepaged pgscan_proactive pgscan_direct_throttle pgscan_anon pgscan_file pgsteal_anon pgsteal_file zone_reclaim_success zone_reclaim_failed pginodesteal slabs_scanned kswapd_inodesteal kswapd_low_wmark_hit_quickly kswapd_high_wmark_hit_quickly pageoutrun pgrotated drop_pagecache drop_slab oom_kill numa_pte_updates numa_huge_pte_updates numa_hint_faults numa_hint_faults_local numa_pages_migrated pgmigrate_success pgmigrate_fail thp_migration_success thp_migration_fail thp_migration_split compact_migrate_scanned compact_free_scanned compact_isolated compact_stall compact_fail compact_success compact_daemon_wake compact_daemon_migrate_scanned compact_daemon_free_scanned htlb_buddy_alloc_success htlb_buddy_alloc_fail"
	if ("CMA" in mtidx) evl = evl " cma_alloc_success cma_alloc_fail"
	evl = evl " unevictable_pgs_culled unevictable_pgs_scanned unevictable_pgs_rescued unevictable_pgs_mlocked unevictable_pgs_munlocked unevictable_pgs_cleared unevictable_pgs_stranded thp_fault_alloc thp_fault_fallback thp_fault_fallback_charge thp_collapse_alloc thp_collapse_alloc_failed thp_file_alloc thp_file_fallback thp_file_fallback_charge thp_file_mapped thp_split_page thp_split_page_failed thp_deferred_split_page thp_underused_split_page thp_split_pmd thp_scan_exceed_none_pte thp_scan_exceed_swap_pte thp_scan_exceed_share_pte"
	if (x86) evl = evl " thp_split_pud"
	evl = evl " thp_zero_page_alloc thp_zero_page_alloc_failed thp_swpout thp_swpout_fallback balloon_inflate balloon_deflate balloon_migrate swap_ra swap_ra_hit swpin_zero swpout_zero ksm_swpin_copy cow_ksm zswpin zswpout zswpwb"
	if (x86) evl = evl " direct_map_level2_splits direct_map_level3_splits direct_map_level2_collapses direct_map_level3_collapses"
	nev = split(evl, evn, " ")
	for (j = 1; j <= nev; j++) printf "%s %.0f\n", evn[j], ev[evn[j]] + 0 > f
	printf "nr_unstable 0\n" > f
	close(f)
}
function lastpopz(n,    z, l) { l = 0; for (z = 1; z <= NZ; z++) if (pop[n, z]) l = z; return l }
# node meminfo line: "Node %d %-16s%8lu kB" (label incl. colon padded to 16)
function nmi(f, n, label, v) { printf "Node %d %-16s%8.0f kB\n", n, label, v > f }
function gmi(f, label, v) { printf "%-16s%8.0f kB\n", label, v > f }
'

# ---------------------------------------------------------------------------
[ $# -ge 2 ] || usage
if [ "$1" = --spec ]; then
	[ $# -eq 3 ] || usage
	SPEC=$2 DEST=$3
	[ -r "$SPEC" ] || { echo "gen-tree.sh: cannot read $SPEC" >&2; exit 1; }
else
	[ $# -eq 2 ] || usage
	case $1 in
	''|*[!0-9]*) usage ;;
	esac
	[ "$1" -ge 1 ] && [ "$1" -le 1024 ] || { echo "gen-tree.sh: NODES must be 1..1024" >&2; exit 2; }
	NODES=$1 DEST=$2 SPEC=
fi

if [ -e "$DEST" ] && [ -n "$(ls -A "$DEST" 2>/dev/null)" ]; then
	echo "gen-tree.sh: $DEST exists and is not empty" >&2
	exit 1
fi
mkdir -p "$DEST" || exit 1
DEST=$(cd "$DEST" && pwd -P) || exit 1
case $DEST in
/dev/shm/?*) ;;
/|/proc|/proc/*|/sys|/sys/*|/dev|/dev/*) echo "gen-tree.sh: refusing $DEST" >&2; exit 1 ;;
esac
case $DEST in
*\'*) echo "gen-tree.sh: DEST must not contain a single quote" >&2; exit 1 ;;
esac
export GT_DEST="$DEST"

spec() {
	if [ -n "$SPEC" ]; then cat "$SPEC"; else gen_spec "$NODES"; fi
}

spec | awk -v mode=dirs "$ENGINE" | sh || exit 1
spec | awk -v mode=files "$ENGINE" || exit 1
exit 0
