/// Golden packets written out by hand from the RFC layouts, shared by the codec and fuzz tests.
enum RTPFixtures {
    /// RFC 3550 §5.1 fixed header only, no CSRC, no extension, no padding.
    static let minimal: [UInt8] = [
        0x80, 0x60,  // V=2 P=0 X=0 CC=0 | M=0 PT=96
        0x12, 0x34,  // sequence number 0x1234
        0x00, 0x00, 0x0F, 0xA0,  // timestamp 4000
        0xDE, 0xAD, 0xBE, 0xEF,  // SSRC
        0x01, 0x02, 0x03,  // payload
    ]

    /// Every optional part: padding, one-byte extension (RFC 8285 §4.2), two CSRCs, marker.
    static let oneByteFull: [UInt8] = [
        0xB2, 0xE0,  // V=2 P=1 X=1 CC=2 | M=1 PT=96
        0xFF, 0xFF,  // sequence number 65535
        0x01, 0x02, 0x03, 0x04,  // timestamp
        0x11, 0x22, 0x33, 0x44,  // SSRC
        0xAA, 0xAA, 0xAA, 0xAA,  // CSRC 1
        0xBB, 0xBB, 0xBB, 0xBB,  // CSRC 2
        0xBE, 0xDE, 0x00, 0x02,  // profile 0xBEDE, 2 words
        0x10, 0xAB,  // id 1, L=0 → 1 byte
        0x21, 0xCD, 0xEF,  // id 2, L=1 → 2 bytes
        0x00, 0x00, 0x00,  // padding to the word boundary
        0x99, 0x98,  // payload
        0x00, 0x00, 0x03,  // RTP padding: 3 bytes, count in the last
    ]

    /// Two-byte extension profile (RFC 8285 §4.3) with an empty element and an id above 14.
    static let twoByte: [UInt8] = [
        0x90, 0x6F,  // V=2 P=0 X=1 CC=0 | M=0 PT=111
        0x00, 0x01,  // sequence number 1
        0x00, 0x00, 0x00, 0x00,  // timestamp 0
        0x00, 0x00, 0x00, 0x01,  // SSRC 1
        0x10, 0x00, 0x00, 0x02,  // profile 0x1000 (app bits 0), 2 words
        0x05, 0x00,  // id 5, length 0
        0x20, 0x03, 0x01, 0x02, 0x03,  // id 32, length 3
        0x00,  // padding
        0xFF,  // payload
    ]

    /// RFC 3550 §6.4.1 sender report with one report block.
    static let senderReport: [UInt8] = [
        0x81, 0xC8, 0x00, 0x0C,  // V=2 P=0 RC=1 | PT=200 | length 12 (52 bytes)
        0x11, 0x22, 0x33, 0x44,  // SSRC of sender
        0xE1, 0xE2, 0xE3, 0xE4, 0x55, 0x66, 0x77, 0x88,  // NTP timestamp
        0x00, 0x00, 0x10, 0x00,  // RTP timestamp 4096
        0x00, 0x00, 0x00, 0x10,  // sender's packet count 16
        0x00, 0x00, 0x04, 0x00,  // sender's octet count 1024
        0xAA, 0xBB, 0xCC, 0xDD,  // report block: SSRC
        0x40, 0xFF, 0xFF, 0xFF,  // fraction lost 64/256 | cumulative lost -1
        0x00, 0x01, 0xFF, 0xFF,  // extended highest sequence number (1 wrap, 65535)
        0x00, 0x00, 0x00, 0x20,  // jitter 32
        0x12, 0x34, 0x56, 0x78,  // LSR
        0x00, 0x01, 0x00, 0x00,  // DLSR 1 s
    ]

    /// RFC 3550 §6.5 SDES with one CNAME chunk ("abc", null-terminated and padded).
    static let sdes: [UInt8] = [
        0x81, 0xCA, 0x00, 0x03,  // V=2 P=0 SC=1 | PT=202 | length 3 (16 bytes)
        0x11, 0x22, 0x33, 0x44,  // SSRC
        0x01, 0x03, 0x61, 0x62, 0x63,  // CNAME, length 3, "abc"
        0x00, 0x00, 0x00,  // end of items + padding to the word
    ]

    /// RFC 4585 §6.2.1 generic NACK: PID 100, BLP 0b101 → 100, 101, 103 lost.
    static let nack: [UInt8] = [
        0x81, 0xCD, 0x00, 0x03,  // V=2 P=0 FMT=1 | PT=205 RTPFB | length 3
        0x00, 0x00, 0x00, 0x01,  // sender SSRC
        0x00, 0x00, 0x00, 0x02,  // media SSRC
        0x00, 0x64, 0x00, 0x05,  // PID 100 | BLP 0b101
    ]

    /// RFC 4585 §6.3.1 PLI.
    static let pli: [UInt8] = [
        0x81, 0xCE, 0x00, 0x02,  // V=2 P=0 FMT=1 | PT=206 PSFB | length 2
        0x00, 0x00, 0x00, 0x01,  // sender SSRC
        0x00, 0x00, 0x00, 0x02,  // media SSRC
    ]

    /// RFC 5104 §4.3.1 FIR with one entry.
    static let fir: [UInt8] = [
        0x84, 0xCE, 0x00, 0x04,  // V=2 P=0 FMT=4 | PT=206 PSFB | length 4
        0x00, 0x00, 0x00, 0x01,  // sender SSRC
        0x00, 0x00, 0x00, 0x00,  // media SSRC (SHALL be 0)
        0x12, 0x34, 0x56, 0x78,  // FCI: target SSRC
        0x07, 0x00, 0x00, 0x00,  // seq nr 7 | reserved
    ]

    /// draft-alvestrand-rmcat-remb REMB: 1,000,000 bps = 250000 × 2^2, one SSRC.
    static let remb: [UInt8] = [
        0x8F, 0xCE, 0x00, 0x05,  // V=2 P=0 FMT=15 | PT=206 PSFB | length 5
        0x00, 0x00, 0x00, 0x01,  // sender SSRC
        0x00, 0x00, 0x00, 0x00,  // media SSRC 0
        0x52, 0x45, 0x4D, 0x42,  // "REMB"
        0x01, 0x0B, 0xD0, 0x90,  // num SSRC 1 | exp 2 | mantissa 0x3D090 = 250000
        0x12, 0x34, 0x56, 0x78,  // SSRC feedback
    ]

    /// Transport-wide CC feedback: base 10, 4 statuses in one 2-bit status vector chunk.
    static let transportCC: [UInt8] = [
        0x8F, 0xCD, 0x00, 0x06,  // V=2 P=0 FMT=15 | PT=205 RTPFB | length 6 (28 bytes)
        0x00, 0x00, 0x00, 0x01,  // sender SSRC
        0x00, 0x00, 0x00, 0x02,  // media SSRC
        0x00, 0x0A, 0x00, 0x04,  // base sequence 10 | packet status count 4
        0xFF, 0xFF, 0xFE, 0x07,  // reference time -2 (×64 ms) | fb pkt count 7
        0xD2, 0x40,  // status vector, 2-bit: 01 00 10 01 00 00 00 (small, not received, large, small)
        0x04,  // delta +4 × 250 µs
        0xFF, 0xFC,  // delta -4 × 250 µs
        0x08,  // delta +8 × 250 µs
        0x00, 0x00,  // zero padding to the word
    ]

    /// Every golden packet, the seed corpus of the fuzz test.
    static let corpus: [[UInt8]] = [
        minimal, oneByteFull, twoByte, senderReport, sdes, nack, pli, fir, remb, transportCC,
        senderReport + sdes, nack + pli + remb,
    ]
}
