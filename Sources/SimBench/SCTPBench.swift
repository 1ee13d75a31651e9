import ArgumentParser
import Foundation
import SimCore
import SimSCTP

/// The SCTP engine alone: two associations back to back in memory on one thread (no DTLS, no sockets), one sending
/// `messages` of `size` bytes on a reliable ordered stream; the CPU cost of both ends per message, as messages/s and
/// MB/s per core. Time is virtual (packets cross instantly; timers never need to fire without loss).
struct SCTPEngine: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sctp", abstract: "SCTP association engine throughput (both ends, one core, in memory).")

    @Option(help: "Messages per round.") var messages = 20_000
    @Option(help: "Message size in bytes.") var size = 1000
    @Option(name: .customLong("repeat"), help: "Rounds; the median is reported.") var repetitions = 5

    func run() throws {
        var rates: [Double] = []
        for round in 0..<repetitions {
            var sender = SCTPAssociation(seed: UInt64(round) + 1)
            var receiver = SCTPAssociation(seed: UInt64(round) + 100)
            var now = SimInstant.zero
            var toReceiver = packets(sender.start(now: now))
            var delivered = 0
            var toSender: [[UInt8]] = []
            func pump() {
                while !toReceiver.isEmpty || !toSender.isEmpty {
                    let forward = toReceiver
                    toReceiver = []
                    for packet in forward {
                        let actions = receiver.packetReceived(packet, now: now)
                        toSender += packets(actions)
                        delivered += actions.reduce(0) { if case .messageReceived = $1 { $0 + 1 } else { $0 } }
                    }
                    let back = toSender
                    toSender = []
                    for packet in back { toReceiver += packets(sender.packetReceived(packet, now: now)) }
                }
            }
            pump()
            let payload = [UInt8](repeating: 0xA5, count: size)
            let start = threadCPUNanoseconds()
            for _ in 0..<messages {
                now = now + .microseconds(10)
                toReceiver += packets(sender.send(payload, stream: 1, ppid: 53, now: now))
                if toReceiver.count >= 8 { pump() }
            }
            pump()
            let seconds = Double(threadCPUNanoseconds() - start) / 1e9
            guard delivered == messages else { throw BenchError("delivered \(delivered) of \(messages) messages") }
            let rate = Double(messages) / seconds
            rates.append(rate)
            print("round \(round + 1): \(messages) messages of \(size) bytes in \(format(seconds * 1000, 1)) ms of CPU = \(format(rate, 0)) messages/s, \(format(rate * Double(size) / 1e6, 1)) MB/s per core")
        }
        let median = Stats(rates).median
        print("sctp_engine messages=\(messages) size=\(size) repeats=\(repetitions) messages_per_core_s_median=\(format(median, 0)) mb_per_core_s_median=\(format(median * Double(size) / 1e6, 1))")
    }

    func packets(_ actions: [SCTPAssociation.Action]) -> [[UInt8]] {
        actions.compactMap { if case .sendPacket(let bytes) = $0 { bytes } else { nil } }
    }
}
