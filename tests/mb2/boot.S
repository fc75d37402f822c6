/* SPDX-License-Identifier: MIT */
/*
 * earlymem Multiboot2 test kernel: the 32-bit entry GRUB jumps to, the
 * switch to long mode, and the call into mb2_main() (main.c).
 *
 * GRUB leaves us in flat 32-bit protected mode, paging off, EAX = the
 * Multiboot2 magic 0x36d76289, EBX = the physical address of the boot
 * information (MBI). We zero .bss (GRUB does too; the stack lives there),
 * identity-map [0, 4 GiB) with 2 MiB pages (page tables in .bss), enable
 * PAE, EFER.LME and paging, load a 64-bit GDT, far-jump to 64-bit code and
 * call mb2_main(magic, mbi). mb2_main() builds its own page tables for all
 * of RAM from earlymem, like the UEFI image (tests/uefi/main.c).
 *
 * Without long mode (CPUID 0x80000001 EDX bit 29) there is nothing to run:
 * exit QEMU through isa-debug-exit with 0x11 (exit code 35, a failure).
 */
#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0
#define STACK_SIZE (64 * 1024)

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* end tag */
	.short 0
	.short 0
	.long 8
mb2_header_end:

	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	mov %eax, %ebp			/* magic */
	mov %ebx, %esi			/* MBI */

	/* zero .bss (the stack and the page tables are in it) */
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb
	mov $boot_stack_top, %esp

	/* long mode? */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb no_long_mode
	mov $0x80000001, %eax
	cpuid
	bt $29, %edx
	jnc no_long_mode

	/* PML4[0] -> PDPT; PDPT[0..3] -> PD0..PD3; PDn: 512 x 2 MiB each */
	mov $boot_pdpt, %eax
	or $3, %eax
	mov %eax, boot_pml4
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $12, %eax
	add $boot_pd, %eax
	or $3, %eax
	mov %eax, boot_pdpt(, %ecx, 8)
	inc %ecx
	cmp $4, %ecx
	jb 1b
	xor %ecx, %ecx			/* entry 0..2047: 2 MiB pages of [0, 4 GiB) */
2:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax			/* present, writable, page size */
	mov %eax, boot_pd(, %ecx, 8)
	inc %ecx
	cmp $2048, %ecx
	jb 2b

	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $(1 << 5), %eax		/* PAE */
	mov %eax, %cr4
	mov $0xc0000080, %ecx		/* EFER */
	rdmsr
	or $(1 << 8), %eax		/* LME */
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax		/* PG, PE */
	mov %eax, %cr0
	lgdt gdt_ptr
	ljmp $0x08, $long_mode

no_long_mode:
	mov $0x11, %al
	out %al, $0xf4
3:	hlt
	jmp 3b

	.code64
long_mode:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov $boot_stack_top, %rsp
	mov %ebp, %edi			/* magic (zero-extended) */
	mov %esi, %esi			/* MBI, zero-extended */
	call mb2_main
4:	cli
	hlt
	jmp 4b

	.section .rodata
	.balign 8
gdt:
	.quad 0				/* null */
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
gdt_end:
gdt_ptr:
	.short gdt_end - gdt - 1
	.long gdt

	.section .bss
	.balign 4096
	.globl boot_pml4, boot_stack_bottom, boot_stack_top
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4 * 4096
boot_stack_bottom:
	.skip STACK_SIZE
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
