import SimCore
import SimFaults

/// Router state captured by a delayed packet's closure; only touched again under the router's lock.
struct LockedByRouter<Value>: @unchecked Sendable {
    let value: Value
}

extension MediaRouter {
    /// What the taps decided for one packet.
    enum PacketFate {
        /// Handle it now.
        case pass
        /// Discard it (counted in `tapDrops`).
        case drop
        /// Handle it this much later.
        case delay(Duration)
    }

    /// Connects the scenario engine's shell (nil removes it); `scheduler` runs delayed packets.
    ///
    /// Media faults produce drops (`loss`, `freeze`, `drop_keyframes`, `bandwidth`) and delays (`media_delay`);
    /// other outcomes (duplicate, hold, close) do not apply to packets and let them through.
    public func attachInterceptor(_ interceptor: (any TapInterceptor)?, scheduler: (any TimerScheduler)?) {
        lock.withLock {
            gate.attach(interceptor)
            self.scheduler = scheduler
        }
    }

    /// The fate of one packet at `tap` (lock held), from the tap gate. Nothing is built or asked when no fault acts
    /// at the tap, so the unimpaired path stays allocation-free.
    func fate(_ tap: TapPoint, participant: ParticipantSID?, track: TrackSID, direction: EventDirection,
              bytes: Int, isKeyframe: Bool? = nil) -> PacketFate {
        guard gate.isActive(at: tap) else { return .pass }
        let step = gate.admit((), at: tap) {
            TapContext(tap: tap, kind: tap == .mediaRTP ? "rtp" : "rtcp", participant: participant, track: track,
                       direction: direction, payloadBytes: bytes, isKeyframe: isKeyframe)
        }
        switch step {
        case .deliver, .end, .fail: return .pass
        case .none: return .drop
        case .deliverLater(_, let duration): return scheduler == nil ? .pass : .delay(duration)
        }
    }

    /// Whether a packet at `tap` is handled now; a delayed one is handed to `later` as well (lock held).
    func proceeds(_ fate: PacketFate, later: @escaping @Sendable () -> Void) -> Bool {
        switch fate {
        case .pass: return true
        case .drop: return false
        case .delay(let duration):
            _ = scheduler?.schedule(after: duration) { [weak self] in
                self?.lock.withLock { later() }
            }
            return false
        }
    }
}
