extension RTPMunger {
    /// Maps a publisher's RTP payload types to the ones negotiated with the subscriber.
    ///
    /// The publisher PC follows the client's PTs while the subscriber PC uses the server's offer PTs
    /// (livekit-signaling.md §7), so the two can differ. Lookups index a fixed 128-entry table: no hashing and
    /// no allocation on the media path.
    public struct PayloadTypeMap: Sendable, Equatable {
        /// Marks an incoming PT that has no subscriber PT.
        private static let unmapped: UInt8 = 0xFF

        /// Incoming PT (0…127) → outgoing PT, or `unmapped`; empty for the identity map.
        private var table: [UInt8]

        /// Passes every payload type through unchanged.
        public static let identity = PayloadTypeMap(table: [])

        private init(table: [UInt8]) { self.table = table }

        /// Maps only the listed payload types; any other incoming PT is dropped by the munger.
        ///
        /// - Parameter mapping: incoming PT → subscriber PT; entries outside 0…127 (RFC 3550 §5.1: 7 bits) are ignored.
        public init(_ mapping: [UInt8: UInt8]) {
            var table = [UInt8](repeating: Self.unmapped, count: 128)
            for (incoming, outgoing) in mapping where incoming < 128 && outgoing < 128 {
                table[Int(incoming)] = outgoing
            }
            self.table = table
        }

        /// The subscriber PT for `payloadType`, or `nil` when the subscriber did not negotiate it.
        @inlinable public subscript(payloadType: UInt8) -> UInt8? { outgoing(for: payloadType) }

        /// The subscriber PT for `payloadType`, or `nil` when the subscriber did not negotiate it.
        public func outgoing(for payloadType: UInt8) -> UInt8? {
            guard payloadType < 128 else { return nil }
            if table.isEmpty { return payloadType }
            let mapped = table[Int(payloadType)]
            return mapped == Self.unmapped ? nil : mapped
        }
    }
}
