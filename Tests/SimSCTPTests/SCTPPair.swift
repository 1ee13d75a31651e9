import SimCore
@testable import SimSCTP

/// Two associations back to back in memory on a virtual clock: packets take `latency` one way, may be lost or
/// delayed by a seeded draw, and timers fire when the clock reaches them. Everything either side reports is kept.
struct SCTPPair {
    enum Side: Hashable { case a, b }

    var a: SCTPAssociation
    var b: SCTPAssociation
    var now = SimInstant.zero
    var latency: Duration = .milliseconds(5)
    /// Chance (0…1) that a packet is dropped, and that one is delayed by up to `jitter` (so it may be reordered).
    var lossRate = 0.0
    var reorderRate = 0.0
    var jitter: Duration = .milliseconds(20)
    /// Drops the packets this returns true for (after the seeded loss), e.g. the first DATA.
    var dropWhere: (Side, SCTPPacket) -> Bool = { _, _ in false }
    var random: SeededRandom
    private var wire: [(at: SimInstant, order: Int, to: Side, bytes: [UInt8])] = []
    private var order = 0
    private var timers: [Side: [SCTPTimer: SimInstant]] = [.a: [:], .b: [:]]
    /// Everything each side reported, in order (packets not included).
    var events: [Side: [SCTPAssociation.Action]] = [.a: [], .b: []]
    /// Every packet each side sent, parsed.
    var sent: [Side: [SCTPPacket]] = [.a: [], .b: []]

    init(seed: UInt64 = 1, a configuration: SCTPConfiguration = SCTPConfiguration(), b other: SCTPConfiguration? = nil) {
        a = SCTPAssociation(configuration: configuration, seed: seed)
        b = SCTPAssociation(configuration: other ?? configuration, seed: seed &+ 1000)
        random = SeededRandom(seed: seed &+ 7)
    }

    /// Messages `side` received, in order.
    func messages(_ side: Side) -> [SCTPMessage] {
        events[side, default: []].compactMap { if case .messageReceived(let message) = $0 { message } else { nil } }
    }

    /// Whether `side` reported `action`.
    func reported(_ side: Side, _ action: SCTPAssociation.Action) -> Bool { events[side, default: []].contains(action) }

    /// Runs one side's actions: packets onto the wire, timers into the table, the rest into `events`.
    mutating func apply(_ actions: [SCTPAssociation.Action], from side: Side) {
        let peer: Side = side == .a ? .b : .a
        for action in actions {
            switch action {
            case .sendPacket(let bytes):
                if let parsed = try? SCTPPacket(parsing: bytes) {
                    sent[side, default: []].append(parsed)
                    if dropWhere(side, parsed) { continue }
                }
                if random.nextUnit() < lossRate { continue }
                var delay = latency
                if random.nextUnit() < reorderRate {
                    let jitterNanoseconds = Double(jitter.components.seconds) * 1e9 + Double(jitter.components.attoseconds) / 1e9
                    delay += .nanoseconds(Int64(random.nextUnit() * jitterNanoseconds))
                }
                order += 1
                wire.append((now + delay, order, peer, bytes))
            case .armTimer(let timer, let at):
                timers[side, default: [:]][timer] = at
            case .cancelTimer(let timer):
                timers[side, default: [:]][timer] = nil
            default:
                events[side, default: []].append(action)
            }
        }
    }

    /// Calls `body` on `side`'s association and applies what it returns.
    mutating func on(_ side: Side, _ body: (inout SCTPAssociation, SimInstant) -> [SCTPAssociation.Action]) {
        let actions = side == .a ? body(&a, now) : body(&b, now)
        apply(actions, from: side)
    }

    /// Delivers packets and fires timers in time order until `done` holds or nothing is left (or `limit` passes).
    mutating func run(limit: Duration = .seconds(120), until done: (SCTPPair) -> Bool = { _ in false }) {
        let end = now + limit
        while !done(self) {
            let nextPacket = wire.min { ($0.at, $0.order) < ($1.at, $1.order) }
            let nextTimer = timers.flatMap { side, table in table.map { (side, $0.key, $0.value) } }.min { $0.2 < $1.2 }
            if let packet = nextPacket, nextTimer.map({ packet.at <= $0.2 }) ?? true {
                guard packet.at <= end else { return }
                wire.removeAll { $0.order == packet.order }
                now = max(now, packet.at)
                on(packet.to) { association, now in association.packetReceived(packet.bytes, now: now) }
            } else if let (side, timer, at) = nextTimer {
                guard at <= end else { return }
                timers[side]?[timer] = nil
                now = max(now, at)
                on(side) { association, now in association.timerFired(timer, now: now) }
            } else {
                return
            }
        }
    }

    /// Starts the handshake on `sides` and runs until both are established.
    mutating func connect(_ sides: [Side] = [.a, .b]) {
        for side in sides { on(side) { association, now in association.start(now: now) } }
        run { $0.a.isEstablished && $0.b.isEstablished }
    }
}
