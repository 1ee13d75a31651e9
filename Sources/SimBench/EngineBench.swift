import ArgumentParser
import Foundation
import SimCore
import SimSignal
import SimTestKit

/// In-process cost of a join through the hub (validation, engine, protobuf, event log), no network.
struct Engine: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Per-join CPU cost of validate + join through the signal hub (no sockets).")

    @Option(help: "Joins per repetition.") var joins = 1000
    @Option(help: "Participants per room.") var perRoom = 10
    @Option(name: .customLong("repeat"), help: "Repetitions; the median is reported.") var repetitions = 5

    func run() throws {
        var perJoin: [Double] = []
        var validateShare: [Double] = []
        for _ in 0..<repetitions {
            let factory = SignalTestFactory(wall: Date())
            let hub = factory.hub()
            let requests = try (0..<joins).map { try factory.v1Request("p\($0)", room: "room-\($0 / max(1, perRoom))") }
            let clock = ContinuousClock()
            var validating: Duration = .zero
            let start = clock.now
            for request in requests {
                let before = clock.now
                let plan = try hub.validate(request).get()
                validating += clock.now - before
                hub.open(plan, sink: RecordingSink())
            }
            let total = clock.now - start
            perJoin.append(milliseconds(total) * 1000 / Double(joins))
            validateShare.append(milliseconds(validating) / milliseconds(total))
        }
        print("engine_join joins=\(joins) per_room=\(perRoom) repeats=\(repetitions) us_per_join=\(format(Stats(perJoin).median, 1)) validate_share=\(format(Stats(validateShare).median, 2))")
    }
}
