/// The last packets sent on one downtrack, kept to answer the subscriber's NACKs (RFC 4585 §6.2.1).
///
/// We answer NACKs from this cache rather than forwarding them to the publisher: loss between the SFU and a
/// subscriber is repaired locally, without costing the publisher's uplink, and the subscriber NACKs
/// *outgoing* (munged) sequence numbers on the downtrack's SSRC, which would have to be mapped back through
/// the munger to the publisher's SSRC and numbering of whichever layer was forwarded at the time (LiveKit
/// likewise retransmits from its own receive buffers). Store the packet exactly as sent (munged header,
/// before SRTP protection).
///
/// A fixed ring of `capacity` slots of `maxPacketSize` bytes, keyed by outgoing sequence number, all
/// preallocated: once constructed, storing and looking up never allocate. Only the `capacity` sequence
/// numbers up to the newest one stored can hit.
public struct DownTrackPacketCache: Sendable {
    /// Default number of packets kept (about 1.7 s of 2.5 Mbit/s video in 1,200-byte packets).
    public static let defaultCapacity = 512
    /// Default largest packet kept: an Ethernet MTU's worth; WebRTC packets stay below about 1,200 bytes.
    public static let defaultMaxPacketSize = 1500

    /// Number of slots (a power of two, so slots stay consistent across the 65535 → 0 wrap).
    public let capacity: Int
    /// Largest packet the cache keeps, in bytes.
    public let maxPacketSize: Int

    /// `capacity × maxPacketSize` bytes, one slot per packet.
    private var storage: [UInt8]
    /// Bytes used per slot; 0 marks an empty slot.
    private var lengths: [UInt16]
    /// The sequence number held per slot.
    private var sequences: [UInt16]
    /// The newest sequence number stored, or `nil` while empty.
    private var newest: UInt16?

    /// Allocates the whole cache up front.
    ///
    /// - Parameters:
    ///   - capacity: packets kept; rounded up to a power of two in 1…32768.
    ///   - maxPacketSize: largest packet kept, in 1…65535 bytes; larger packets are not stored.
    public init(capacity: Int = defaultCapacity, maxPacketSize: Int = defaultMaxPacketSize) {
        precondition((1...65535).contains(maxPacketSize), "maxPacketSize must be 1…65535")
        var slots = 1
        while slots < min(max(capacity, 1), 32768) { slots <<= 1 }
        self.capacity = slots
        self.maxPacketSize = maxPacketSize
        storage = [UInt8](repeating: 0, count: slots * maxPacketSize)
        lengths = [UInt16](repeating: 0, count: slots)
        sequences = [UInt16](repeating: 0, count: slots)
    }

    /// Keeps a copy of a packet just sent.
    ///
    /// - Parameters:
    ///   - seq: the packet's outgoing sequence number.
    ///   - bytes: the packet as sent.
    /// - Returns: `false` when not stored: empty, larger than `maxPacketSize`, or older than the window.
    @discardableResult
    public mutating func store(seq: UInt16, bytes: some Collection<UInt8>) -> Bool {
        if let stored = bytes.withContiguousStorageIfAvailable({ store(seq: seq, buffer: UnsafeRawBufferPointer($0)) }) {
            return stored
        }
        return store(seq: seq, bytes: Array(bytes))
    }

    /// Keeps a copy of a packet just sent (the forwarder's call: not generic, one copy into the slot).
    ///
    /// - Parameters:
    ///   - seq: the packet's outgoing sequence number.
    ///   - bytes: the packet as sent.
    /// - Returns: `false` when not stored: empty, larger than `maxPacketSize`, or older than the window.
    @discardableResult
    public mutating func store(seq: UInt16, bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { store(seq: seq, buffer: $0) }
    }

    private mutating func store(seq: UInt16, buffer: UnsafeRawBufferPointer) -> Bool {
        let count = buffer.count
        guard count > 0, count <= maxPacketSize, let source = buffer.baseAddress else { return false }
        if let newest {
            let ahead = seq &- newest
            if ahead != 0, ahead < 0x8000 {
                // Newer (RFC 1982): empty the slots skipped over so stale packets cannot answer for them.
                if Int(ahead) >= capacity {
                    for slot in 0..<capacity { lengths[slot] = 0 }
                } else {
                    var skipped = newest &+ 1
                    while skipped != seq {
                        lengths[slot(for: skipped)] = 0
                        skipped &+= 1
                    }
                }
                self.newest = seq
            } else if Int(newest &- seq) >= capacity {
                return false
            }
        } else {
            newest = seq
        }
        let slot = slot(for: seq)
        let base = slot * maxPacketSize
        storage.withUnsafeMutableBytes { target in
            // The slot lies inside the storage: base + count ≤ capacity × maxPacketSize.
            target.baseAddress.map { ($0 + base).copyMemory(from: source, byteCount: count) }
        }
        lengths[slot] = UInt16(count)
        sequences[slot] = seq
        return true
    }

    /// The packet sent with `seq`, if still cached; a view into the cache's storage.
    ///
    /// Copy the bytes out (into the retransmission) before the next `store`: holding the slice across a store
    /// makes that store copy the whole storage.
    public func packet(for seq: UInt16) -> ArraySlice<UInt8>? {
        guard let newest, Int(newest &- seq) < capacity else { return nil }
        let slot = slot(for: seq)
        let length = Int(lengths[slot])
        guard length > 0, sequences[slot] == seq else { return nil }
        let base = slot * maxPacketSize
        return storage[base..<base + length]
    }

    /// Forgets every packet (the storage stays allocated).
    public mutating func removeAll() {
        for slot in 0..<capacity { lengths[slot] = 0 }
        newest = nil
    }

    private func slot(for seq: UInt16) -> Int { Int(seq) & (capacity - 1) }
}
