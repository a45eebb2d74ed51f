/// The matcher's core: stacks step through the program one byte at a time.
///
/// The top frame of every live stack waits for a byte (a choice waits as a pending frame and
/// picks its alternatives when the byte arrives). A frame that could end or go on (a number,
/// an enum value that is a prefix of another) stays on top; `feed` tries both.
extension GrammarProgram {
    /// The stacks at the start: the root entered.
    func initialStacks() -> [FrameStack] {
        guard let root else { return [[]] }
        var output: [FrameStack] = []
        enter(root, onto: [], into: &output)
        return output
    }

    /// Pushes `node` onto `stack` and descends to the frames that wait for bytes.
    func enter(_ node: NodeID, onto stack: FrameStack, into output: inout [FrameStack]) {
        var stack = stack
        stack.append(Frame(node: node))
        switch nodes[Int(node)] {
        case .sequence(let children):
            enter(children[0], onto: stack, into: &output)
        case .choice(_, let nullable):
            output.append(stack)
            if nullable {
                stack.removeLast()
                resume(stack, into: &output)
            }
        default:
            output.append(stack)
        }
    }

    /// Continues `stack` after its top frame's child finished (the child is already popped).
    func resume(_ stack: FrameStack, into output: inout [FrameStack]) {
        guard var top = stack.last else {
            output.append(stack)
            return
        }
        guard case .sequence(let children) = nodes[Int(top.node)] else {
            // Containers set their post-child phase before the child started.
            output.append(stack)
            return
        }
        var rest = stack
        rest.removeLast()
        let next = Int(top.count) + 1
        guard next < children.count else {
            resume(rest, into: &output)
            return
        }
        top.count = Int32(next)
        rest.append(top)
        enter(children[next], onto: rest, into: &output)
    }

    /// Every stack that `stack` becomes after `byte`, appended to `output`.
    func feed(_ stack: FrameStack, _ byte: UInt8, into output: inout [FrameStack]) {
        guard let top = stack.last else { return }
        var rest = stack
        switch consume(top, byte) {
        case .rejected:
            break
        case .advanced(let frame):
            rest[rest.count - 1] = frame
            output.append(rest)
        case .finished:
            rest.removeLast()
            resume(rest, into: &output)
        case .enter(let frame, let child):
            rest[rest.count - 1] = frame
            enter(child, onto: rest, into: &output)
        case .delegate(let frame, let child):
            rest[rest.count - 1] = frame
            var entered: [FrameStack] = []
            enter(child, onto: rest, into: &entered)
            for candidate in entered { feed(candidate, byte, into: &output) }
        case .dispatch(let alternatives):
            rest.removeLast()
            for alternative in alternatives where firstBytes[Int(alternative)].contains(byte) {
                var entered: [FrameStack] = []
                enter(alternative, onto: rest, into: &entered)
                for candidate in entered { feed(candidate, byte, into: &output) }
            }
        }
        if mayEnd(top) {
            var ended = stack
            ended.removeLast()
            var resumed: [FrameStack] = []
            resume(ended, into: &resumed)
            for candidate in resumed { feed(candidate, byte, into: &output) }
        }
    }

    /// Whether `stack` can end here: every frame from the top down may end.
    func canEnd(_ stack: FrameStack) -> Bool {
        guard let top = stack.last else { return true }
        guard mayEnd(top) else { return false }
        var rest = stack
        rest.removeLast()
        var resumed: [FrameStack] = []
        resume(rest, into: &resumed)
        return resumed.contains { canEnd($0) }
    }
}
