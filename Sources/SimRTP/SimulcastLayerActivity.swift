import SimCore

/// Which simulcast layers a publisher is sending, judged from packet arrivals alone (no timers).
///
/// A layer becomes active with its first packet. It becomes inactive when a packet of another layer arrives more
/// than `inactivityTimeout` after the layer's last packet: libwebrtc stops sending the upper layers when its
/// bandwidth estimate drops, and subscribers on such a layer must move to one that still flows. The check runs on
/// packet arrival, so a publisher that stops sending every layer leaves the last state in place (nothing to forward
/// either way), and a layer stays active while it is the only one sending. Allocation-free per packet.
public struct SimulcastLayerActivity: Sendable, Equatable {
    /// Default silence after which a layer counts as stopped: one second, far above the frame gap of 30 fps video
    /// (33 ms) or of a 5 fps screen share (200 ms).
    public static let defaultInactivityTimeout: Duration = .seconds(1)

    /// How long a layer may stay silent while another layer sends before it counts as inactive.
    public let inactivityTimeout: Duration
    /// The layers the publisher declared (its rids); packets of other layers are not tracked.
    public let declared: [SimulcastLayer]
    private var lastPacketAt = SimulcastLayerSlots<SimInstant?>(repeating: nil)
    private var active = SimulcastLayerSlots(repeating: false)

    /// Starts with every declared layer inactive.
    ///
    /// - Parameters:
    ///   - declared: the publisher's layers.
    ///   - inactivityTimeout: silence (measured on other layers' arrivals) after which a layer is inactive.
    public init(declared: [SimulcastLayer], inactivityTimeout: Duration = defaultInactivityTimeout) {
        self.declared = declared
        self.inactivityTimeout = inactivityTimeout
    }

    /// Whether `layer` is active.
    public func isActive(_ layer: SimulcastLayer) -> Bool { active[layer] }

    /// Records a packet of `layer` at `now`.
    /// - Returns: whether the set of active layers changed (then hand the new ``layers`` to the selectors).
    public mutating func packetReceived(layer: SimulcastLayer, now: SimInstant) -> Bool {
        guard declared.contains(layer) else { return false }
        lastPacketAt[layer] = now
        var changed = false
        if !active[layer] {
            active[layer] = true
            changed = true
        }
        for other in SimulcastLayer.allCases where other != layer && active[other] {
            if let last = lastPacketAt[other], now - last > inactivityTimeout {
                active[other] = false
                changed = true
            }
        }
        return changed
    }
}
