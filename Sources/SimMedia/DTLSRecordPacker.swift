/// Splits the byte stream OpenSSL writes into its memory BIO into DTLS records and packs them into datagrams.
///
/// A memory BIO concatenates everything written to it, so record boundaries are recovered from the record
/// headers (RFC 6347 §4.1: type 1, version 2, epoch 2, sequence 6, length 2) and whole records are packed
/// into datagrams of at most `mtu` bytes (a datagram may carry several records, RFC 6347 §4.1.1).
enum DTLSRecordPacker {
    /// The DTLS record header length.
    static let headerLength = 13

    /// Packs `stream` into datagrams. Bytes that do not parse as whole records go out as one last datagram.
    static func datagrams(from stream: [UInt8], mtu: Int) -> [[UInt8]] {
        var datagrams: [[UInt8]] = []
        var current: [UInt8] = []
        var offset = 0
        while offset < stream.count {
            guard stream.count - offset >= headerLength else { break }
            let length = Int(stream[offset + 11]) << 8 | Int(stream[offset + 12])
            let end = offset + headerLength + length
            guard end <= stream.count else { break }
            if !current.isEmpty && current.count + (end - offset) > mtu {
                datagrams.append(current)
                current = []
            }
            current.append(contentsOf: stream[offset..<end])
            offset = end
        }
        if offset < stream.count { current.append(contentsOf: stream[offset...]) }
        if !current.isEmpty { datagrams.append(current) }
        return datagrams
    }

    /// Whether `datagram` starts with a handshake record (content type 22, RFC 5246 §6.2.1).
    static func startsWithHandshake(_ datagram: [UInt8]) -> Bool {
        datagram.count >= headerLength && datagram[0] == 22
    }
}
