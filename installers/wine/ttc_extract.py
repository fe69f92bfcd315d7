"""Extract one face of a TrueType/OpenType collection (.ttc) into a standalone .otf/.ttf (stdlib only).

Used by build-windows.sh for the Wine smoke test: Qt's offscreen platform on Windows reads fonts with FreeType from
QT_QPA_FONTDIR and ignored Debian's NotoSansCJK-Regular.ttc, but reads a single-face file.
    python3 ttc_extract.py IN.ttc OUT.otf [FAMILY]      (FAMILY default: "Noto Sans CJK JP"; else face 0)
"""
import struct
import sys


def extract(src: str, dst: str, family: str = "Noto Sans CJK JP") -> int:
    data = open(src, "rb").read()
    if data[:4] != b"ttcf":
        raise SystemExit(f"{src}: not a font collection")
    (num,) = struct.unpack(">I", data[8:12])
    offsets = struct.unpack(f">{num}I", data[12:12 + 4 * num])

    def tables(off):
        n = struct.unpack(">H", data[off + 4:off + 6])[0]
        return [struct.unpack(">4sIII", data[off + 12 + 16 * i: off + 28 + 16 * i]) for i in range(n)]

    chosen = 0
    want = family.encode("utf-16-be")
    for i, off in enumerate(offsets):
        for tag, _, toff, tlen in tables(off):
            if tag == b"name" and want in data[toff:toff + tlen]:
                chosen = i
                break
        else:
            continue
        break
    off = offsets[chosen]
    recs = tables(off)
    head = data[off:off + 12]
    out = bytearray(head)
    pos = 12 + 16 * len(recs)
    body = bytearray()
    for tag, csum, toff, tlen in recs:
        out += struct.pack(">4sIII", tag, csum, pos + len(body), tlen)
        body += data[toff:toff + tlen]
        body += b"\0" * (-len(body) % 4)
    open(dst, "wb").write(bytes(out + body))
    return chosen


if __name__ == "__main__":
    face = extract(sys.argv[1], sys.argv[2], *(sys.argv[3:4]))
    print(f"ttc_extract: face {face} of {sys.argv[1]} -> {sys.argv[2]}")
