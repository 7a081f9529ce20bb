# SPDX-License-Identifier: GPL-2.0-or-later
# The guests' NUMA layouts, sourced by tests/vm/vmcheck.sh and
# tests/fixtures/capture-vm.sh. `layout NAME` sets:
#   NUMA, APPEND  GUEST_NUMA and GUEST_APPEND for run-guest.sh
#   QEMU_ARGS     GUEST_QEMU_ARGS for run-guest.sh (two-node: an NVMe disk)
#   SCRIPT        the assertions run in the guest (tests/vm/guest/)
#   ONLINE, HAS_MEMORY  the node lists the guest must show
#   PREP          a guest command that fills pools before a capture ($BC is
#                 buddyctl); a 2M pool asked beyond what the node has left
#                 leaves its free lists in scraps, so that the captured
#                 fragmentation indices are not all -1.000 and 0.000
LAYOUTS="two-node sparse memoryless movable four-node"

layout() {
	APPEND=
	QEMU_ARGS=
	case $1 in
	# node 0 has 4 GiB: with 3 GiB (0-3 GiB, DMA and DMA32) its only
	# candidate 1 GiB range (1-2 GiB) is often taken by unmovable boot
	# allocations, and a 1 GiB page on node 0 failed in about half the boots
	two-node)   NUMA="0:4096 1:3072"; SCRIPT="sh two-node.sh"; ONLINE=0-1 HAS_MEMORY=0-1
	            # an NVMe disk of zeros, writes kept in a QEMU temporary file: ext2 on it gives drop-caches clean page cache
	            QEMU_ARGS='-drive if=none,id=nvm,driver=null-co,size=256M,read-zeroes=on,snapshot=on -device nvme,drive=nvm,serial=buddyctl'
	            PREP='$BC reserve 1G:1@0 1G:1@1 2M:64@0 && { $BC reserve --force --ladder retry 2M:1500@1; [ $? = 1 ]; }' ;;
	# QEMU refuses a gap in node ids, and Linux renumbers a node that has
	# neither CPU nor memory; node 1 gets memory and no CPU, and memmap=
	# takes that memory (2-3 GiB) away from the kernel, so node 1 never
	# comes online
	sparse)     NUMA="0:2048:0-1 1:1024: 2:2048:"; APPEND='memmap=1G$0x80000000'
	            SCRIPT="sh layout.sh 2"; ONLINE=0,2 HAS_MEMORY=0,2 PREP='$BC reserve 2M:16@2' ;;
	memoryless) NUMA="0:2048 1:0 2:2048"; SCRIPT="sh layout.sh 2 1"; ONLINE=0-2 HAS_MEMORY=0,2
	            PREP='$BC reserve 2M:16@2' ;;
	movable)    NUMA="0:2048 1:2048"; APPEND="movablecore=1G"; SCRIPT="MOVABLE=1 sh layout.sh 1"
	            ONLINE=0-1 HAS_MEMORY=0-1 PREP='$BC reserve 2M:32@1' ;;
	four-node)  NUMA="0:1024 1:1024 2:1024 3:1024"; SCRIPT="sh layout.sh 3"; ONLINE=0-3 HAS_MEMORY=0-3
	            PREP='$BC reserve 2M:8@2 && { $BC reserve --force --ladder retry 2M:600@3; [ $? = 1 ]; }' ;;
	*) echo "unknown layout '$1' ($LAYOUTS)" >&2; return 64 ;;
	esac
}
