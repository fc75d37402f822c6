#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

Seeds come from the real maps in tests/fixtures/maps (e820, UEFI, SRAT lines)
and from hand-made tables (ACPI, Multiboot2, Limine, operation sequences).
Every seed is at most 4096 bytes (libFuzzer's default -max_len). Output is
deterministic: run it again after changing a fuzz target's input format.

    tests/fuzz/mkcorpus.py [OUTDIR]
"""
import os
import random
import re
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAPS = os.path.join(ROOT, "tests", "fixtures", "maps")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "fuzz", "corpus")
MAX = 4096

E820_TYPES = {"usable": 1, "system ram": 1, "reserved": 2, "device reserved": 2,
              "acpi data": 3, "acpi nvs": 4, "unusable": 5, "soft reserved": 0xefffffff}
EFI_TYPES = {"reserved": 0, "loader code": 1, "loader data": 2, "boot code": 3,
             "boot data": 4, "runtime code": 5, "runtime data": 6, "conventional": 7,
             "unusable": 8, "acpi reclaim": 9, "acpi mem nvs": 10, "mmio": 11,
             "mmio port": 12, "pal code": 13, "persistent": 14, "unaccepted": 15}
EFI_ATTRS = {"UC": 0x1, "WC": 0x2, "WT": 0x4, "WB": 0x8, "MR": 0x10000, "SP": 0x40000,
             "HP": 0x100000, "RUN": 1 << 63}


def read(name):
    with open(os.path.join(MAPS, name), encoding="utf-8", errors="replace") as f:
        return f.read()


def e820_entries(name):
    """(base, size, type) of the bracketed BIOS-e820 lines of a fixture."""
    out = []
    for m in re.finditer(r"BIOS-e820: \[mem 0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)\] ([^\n]+)",
                         read(name)):
        s, e, t = int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip().lower()
        if t.startswith("type "):
            typ = int(t[5:])
        elif t.startswith("persistent"):
            typ = 12 if "12" in t else 7
        else:
            typ = E820_TYPES.get(t, 2)
        out.append((s, e - s + 1, typ))
    return out


def efi_entries(name):
    """(base, size, type, attr) of the x86 efi=debug lines of a fixture (every format)."""
    out = []
    text = read(name)
    for m in re.finditer(r"mem\d+: \[([^|\]]+)\|([^\]]*)\] range=\[0x([0-9a-f]+)-0x([0-9a-f]+)([\])])",
                         text):
        typ = EFI_TYPES.get(m.group(1).strip().lower(), 0)
        attr = 0
        for col in m.group(2).split("|"):
            attr |= EFI_ATTRS.get(col.strip(), 0)
        s, e = int(m.group(3), 16), int(m.group(4), 16)
        out.append((s, e - s + (m.group(5) == "]"), typ, attr))
    for m in re.finditer(r"mem\d+: type=(\d+), attr=0x([0-9a-f]+), range=\[0x([0-9a-f]+)-0x([0-9a-f]+)\)",
                         text):
        s, e = int(m.group(3), 16), int(m.group(4), 16)
        out.append((s, e - s, int(m.group(1)), int(m.group(2), 16)))
    return out


def srat_entries(name):
    out = []
    for m in re.finditer(r"SRAT: Node (\d+) PXM (\d+) \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\]([^\n]*)",
                         read(name)):
        s, e = int(m.group(3), 16), int(m.group(4), 16)
        out.append((int(m.group(2)), s, e - s + 1, "hotplug" in m.group(5)))
    return out


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    assert len(data) <= MAX, (target, name, len(data))
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def e820_raw(ents):
    return b"".join(struct.pack("<QQI", b, s, t) for b, s, t in ents)


def efi_desc(ents, size=48):
    out = b""
    for b, s, t, a in ents:
        d = struct.pack("<IIQQQQ", t, 0, b, 0, s // 4096, a)
        out += d + b"\0" * (size - len(d))
    return out


def fit(ents, per, room):
    return ents[: max(0, room // per)]


# ---- e820: cfg byte, packed 20-byte entries ----
E820_FILES = ["e820-qemu-q35-ovmf-fedora30.txt", "e820-amd-cxl-soft-reserved-excerpt.txt",
              "e820-asus-ux32vd-ivybridge-ami-many-holes.txt",
              "e820-firecracker-639k-issue3044.txt", "e820-hp-superdome2-16s-12tib.txt"]
for i, f in enumerate(E820_FILES):
    ents = fit(e820_entries(f), 20, MAX - 1)
    write("e820", f.replace(".txt", ""), bytes([(0x0, 0x1, 0x3, 0x8, 0x5)[i]]) + e820_raw(ents))
write("e820", "overlap-wrap", b"\x01" + e820_raw(
    [(0, 0xa0000, 1), (0x9f000, 0x2000, 2), (0x100000, 1 << 30, 1), (1 << 20, 4096, 5),
     (0xffffffffffff0000, 0x20000, 1), (0x500000, 0, 1)]))

# ---- efi: cfg, descriptor size selector (8: 48, 5: 40), version, map ----
EFI_FILES = ["efi-qemu-q35-ovmf-fedora30.txt", "efi-intel-nuc-de3815-baytrail-ami.txt",
             "efi-x86-efi_fake_mem-SP-excerpt.txt", "efi-hp-superdome2-16s-12tib.txt"]
for i, f in enumerate(EFI_FILES):
    ents = fit(efi_entries(f), 48, MAX - 3)
    write("efi", f.replace(".txt", ""), bytes([(0x80, 0x91, 0xa0, 0x83)[i], 8, 1]) + efi_desc(ents))
write("efi", "desc40-unaccepted", bytes([0x81, 5, 1]) + efi_desc(
    [(0, 0xa0000, 7, 0xf), (0x100000, 0x100000, 15, 0xf), (0x200000, 0x10000, 1, 0xf),
     (0x210000, 0x1000, 7, 0x10000), (0x400000, 0x1000000, 7, 0x100000)], 40))

# ---- mb2: cfg, MBI (total_size, reserved, tags, end tag) ----
def mb2(tags):
    body = b""
    for typ, payload in tags:
        t = struct.pack("<II", typ, 8 + len(payload)) + payload
        body += t + b"\0" * (-len(t) % 8)
    body += struct.pack("<II", 0, 8)
    return struct.pack("<II", 8 + len(body), 0) + body


def mb2_mmap(ents):
    return struct.pack("<II", 24, 0) + b"".join(struct.pack("<QQII", b, s, t, 0) for b, s, t in ents)


def mb2_efi(ents):
    return struct.pack("<II", 48, 1) + efi_desc(ents)


cmdline = (1, b"console=ttyS0\0")
write("mb2", "bios-qemu", b"\x00" + mb2([cmdline, (6, mb2_mmap(e820_entries(E820_FILES[0])[:40]))]))
write("mb2", "bios-superdome", b"\x01" + mb2([(6, mb2_mmap(e820_entries(E820_FILES[4])[:40]))]))
write("mb2", "efi-ovmf", b"\x10" + mb2([cmdline, (17, mb2_efi(efi_entries(EFI_FILES[0])[:50]))]))
write("mb2", "both-maps", b"\x03" + mb2([(6, mb2_mmap(e820_entries(E820_FILES[1]))),
                                         (17, mb2_efi(efi_entries(EFI_FILES[2])))]))

# ---- limine: cfg, 24-byte entries (base, length, type) ----
E820_TO_LIMINE = {1: 0, 2: 1, 3: 2, 4: 3, 5: 4}
for i, f in enumerate(E820_FILES[:3]):
    ents = e820_entries(f)[: (MAX - 1) // 24]
    data = b"".join(struct.pack("<QQQ", b, s, E820_TO_LIMINE.get(t, 1)) for b, s, t in ents)
    write("limine", f.replace(".txt", ""), bytes([(0x00, 0x21, 0x13)[i]]) + data)
write("limine", "reclaimable-kernel", b"\x01" + b"".join(struct.pack("<QQQ", *e) for e in [
    (0x1000, 0x9e000, 0), (0x100000, 0x7000, 5), (0x107000, 0x200000, 6), (0x200000, 0x1000, 7),
    (0x307000, 0x7fc00000, 0), (0xfd000000, 0x1000000, 7), (0x100000000, 0x40000000, 0)]))

# ---- acpi: cfg, u16 split, body ----
def sdt(sig, rev, body):
    t = bytearray(sig + struct.pack("<IBB", 36 + len(body), rev, 0) + b"EMTEST" + b"EARLYMEM"
                  + struct.pack("<I4sI", 1, b"EMFZ", 1) + body)
    t[9] = (-sum(t)) & 0xff
    return bytes(t)


def srat(rev, mems, cpus=()):
    body = struct.pack("<I8s", 1, b"")
    for pxm, apic in cpus:
        body += struct.pack("<BBBBIB3sI", 0, 16, pxm & 0xff, apic, 1, 0, (pxm >> 8).to_bytes(3, "little"), 0)
    for pxm, base, size, hp in mems:
        body += struct.pack("<BBIHQQIII", 1, 40, pxm, 0, base, size, 0, 1 | (2 if hp else 0), 0)
        body += b"\0" * 4
    return sdt(b"SRAT", rev, body)


def slit(n, far=20):
    m = bytes(10 if i == j else far + abs(i - j) for i in range(n) for j in range(n))
    return sdt(b"SLIT", 1, struct.pack("<Q", n) + m)


GiB = 1 << 30
ovmf = srat(3, [(0, 0, 0xa0000, False), (0, 0x100000, GiB - 0x100000, False), (1, GiB, GiB, False),
                (1, 4 * GiB, 2 * GiB, True), (0, 0, 0, False)], [(0, 0), (1, 1)])
hpe = srat(3, [(p, b, s, hp) for p, b, s, hp in srat_entries("numa-hpe-dl385-gen10plus-2node.txt")])
hyperv = srat(1, [(p, b, s, hp) for p, b, s, hp in srat_entries("numa-hyperv-gen2-hotplug-to-16tib.txt")])


def direct(cfg, s, l):
    return bytes([cfg]) + struct.pack("<H", len(s)) + s + l


write("acpi", "direct-ovmf", direct(0x00, ovmf, slit(2)))
write("acpi", "direct-hpe", direct(0x05, hpe, slit(2)))
write("acpi", "direct-hyperv-fixup", direct(0x08, hyperv, slit(4)))


def image(rev, tables, xsdt=True):
    """RSDP at 0, then the root tables and @tables, each 16-byte aligned."""
    base, off, place = 0xe0000, 64, []
    for t in tables:
        place.append(off)
        off += (len(t) + 15) & ~15
    entries = [base + o for o in place]
    rsdt = sdt(b"RSDT", 1, b"".join(struct.pack("<I", e) for e in entries))
    xs = sdt(b"XSDT", 1, b"".join(struct.pack("<Q", e) for e in entries))
    rsdt_off = off
    xsdt_off = off + ((len(rsdt) + 15) & ~15)
    img = bytearray(xsdt_off + len(xs))
    for o, t in zip(place, tables):
        img[o:o + len(t)] = t
    img[rsdt_off:rsdt_off + len(rsdt)] = rsdt
    img[xsdt_off:xsdt_off + len(xs)] = xs
    rsdp = bytearray(b"RSD PTR " + b"\0" + b"EMTEST" + bytes([rev]) + struct.pack("<I", base + rsdt_off))
    if rev >= 2:
        rsdp += struct.pack("<IQ", 36, base + xsdt_off if xsdt else 0) + b"\0\0\0\0"
    rsdp[8] = (-sum(rsdp[:20])) & 0xff
    if rev >= 2:
        rsdp[32] = (-sum(rsdp[:36])) & 0xff
    img[0:len(rsdp)] = rsdp
    return bytes(img)


facp = sdt(b"FACP", 1, b"")
write("acpi", "image-v2-xsdt", b"\x10\0\0" + image(2, [facp, ovmf, slit(2)]))
write("acpi", "image-v0-rsdt", b"\x15\0\0" + image(0, [facp, hpe]))
write("acpi", "image-v2-fixup", b"\x19\0\0" + image(2, [slit(4), facp, hyperv]))

# ---- emmap: kernel log text (whole lines, at most 4096 bytes) ----
def log_seed(name):
    out = b""
    for line in read(name).encode().splitlines(keepends=True):
        if len(out) + len(line) > MAX:
            break
        out += line
    return out


for f in ["e820-qemu-q35-ovmf-fedora30.txt", "e820-dell-poweredge-r910-legacy-format.txt",
          "e820-xen-hypervisor-msi-890fxa-raw.txt", "efi-arm64-huawei-mirror-MR-4node.txt",
          "efi-qemu-q35-ovmf-fedora30.txt", "numa-hpe-dl385-gen10plus-2node.txt",
          "e820-user-memmap-12G-4G-pmem-type12.txt"]:
    write("emmap", f.replace(".txt", ""), log_seed(f))

# ---- ops: cfg, 8-byte operations (see fuzz_ops.c) ----
rng = random.Random(6)
for cfg in (0x0, 0x1, 0x2, 0x4, 0x6):
    ops = bytearray([cfg])
    for _ in range(120):
        k = rng.choice([0, 0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 7, 7, 8, 9, 10, 11, 12])
        b = rng.randrange(384)
        ln = rng.randrange(1, 48)
        ops += struct.pack("<BHHBBB", k, b, ln, rng.randrange(256), rng.randrange(256), rng.randrange(256))
    write("ops", "random-cfg%d" % cfg, bytes(ops))
