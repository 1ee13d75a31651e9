import SimRTP
import Testing

@Suite struct PacketClassTests {
    @Test func rfc7983Ranges() {
        #expect(PacketClass(firstByte: 0) == .stun && PacketClass(firstByte: 3) == .stun)
        #expect(PacketClass(firstByte: 20) == .dtls && PacketClass(firstByte: 63) == .dtls)
        #expect(PacketClass(firstByte: 0x80) == .rtpOrRTCP && PacketClass(firstByte: 191) == .rtpOrRTCP)
        #expect(PacketClass(firstByte: 4) == .unknown && PacketClass(firstByte: 255) == .unknown)
        #expect(PacketClass.isRTCP(secondByte: 200) && PacketClass.isRTCP(secondByte: 205))
        #expect(!PacketClass.isRTCP(secondByte: 96) && !PacketClass.isRTCP(secondByte: 0xE0 | 0x6F))
    }
}
