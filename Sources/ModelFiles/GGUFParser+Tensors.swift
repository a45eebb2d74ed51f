extension GGUFParser {
    mutating func readTensorInfos(count: Int, alignment: Int) throws(GGUFError) -> [GGUFTensorInfo] {
        var tensors: [GGUFTensorInfo] = []
        var names = Set<String>()
        for index in 0 ..< count {
            let tensor = try readTensorInfo(index: index, alignment: alignment)
            guard names.insert(tensor.name).inserted else {
                throw .duplicateTensor(path: path, tensor: tensor.name)
            }
            tensors.append(tensor)
        }
        return tensors
    }

    private mutating func readTensorInfo(index: Int, alignment: Int) throws(GGUFError) -> GGUFTensorInfo {
        let name = try reader.readString(for: "name of tensor \(index)")
        let dimensionCount = try reader.readInteger(UInt32.self, for: "dimension count of tensor '\(name)'")
        guard dimensionCount <= Self.maximumDimensionCount else {
            throw .inconsistentTensor(
                path: path, tensor: name,
                reason: "has \(dimensionCount) dimensions, at most \(Self.maximumDimensionCount) are allowed")
        }
        var shape: [Int] = []
        for axis in 0 ..< Int(dimensionCount) {
            let raw = try reader.readInteger(UInt64.self, for: "dimension \(axis) of tensor '\(name)'")
            guard let extent = Int(exactly: raw) else {
                throw .inconsistentTensor(path: path, tensor: name, reason: "dimension \(axis) is \(raw), too large")
            }
            shape.append(extent)
        }
        let rawType = try reader.readInteger(UInt32.self, for: "type of tensor '\(name)'")
        guard let type = GGMLType(rawValue: rawType) else {
            throw .unknownTensorType(path: path, tensor: name, rawValue: rawType)
        }
        let rawOffset = try reader.readInteger(UInt64.self, for: "offset of tensor '\(name)'")
        guard let offset = Int(exactly: rawOffset), offset % alignment == 0 else {
            throw .inconsistentTensor(
                path: path, tensor: name, reason: "offset \(rawOffset) is not a multiple of the alignment \(alignment)")
        }
        let byteCount = try Self.byteCount(of: name, shape: shape, type: type, path: path)
        return GGUFTensorInfo(name: name, shape: shape, type: type, offset: offset, byteCount: byteCount)
    }

    /// The bytes a tensor of this shape and type occupies, after checking that the element count
    /// does not overflow and that each row is a whole number of blocks.
    static func byteCount(of name: String, shape: [Int], type: GGMLType, path: String) throws(GGUFError) -> Int {
        var elementCount = 1
        for extent in shape {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: extent)
            guard !overflow else {
                throw .inconsistentTensor(path: path, tensor: name, reason: "shape \(shape) has too many elements")
            }
            elementCount = product
        }
        let rowLength = shape.first ?? 1
        guard rowLength % type.blockSize == 0, let byteCount = type.byteCount(forElements: elementCount) else {
            throw .inconsistentTensor(
                path: path, tensor: name,
                reason: "shape \(shape): ne0 = \(rowLength) is not a multiple of \(type)'s block size \(type.blockSize)")
        }
        return byteCount
    }

    /// Checks that every tensor's bytes lie inside the file and that no two tensors overlap.
    func validateDataBounds(_ layout: GGUFLayout) throws(GGUFError) {
        let fileSize = reader.bytes.count
        for tensor in layout.tensors {
            let (start, startOverflow) = layout.dataOffset.addingReportingOverflow(tensor.offset)
            let (end, endOverflow) = start.addingReportingOverflow(tensor.byteCount)
            guard !startOverflow, !endOverflow, end <= fileSize else {
                throw .truncated(
                    path: path, field: "data of tensor '\(tensor.name)'", offset: start,
                    byteCount: tensor.byteCount, fileSize: fileSize)
            }
        }
        let ordered = layout.tensors.filter { $0.byteCount > 0 }.sorted { $0.offset < $1.offset }
        for (current, next) in zip(ordered, ordered.dropFirst()) where current.offset + current.byteCount > next.offset {
            throw .inconsistentTensor(
                path: path, tensor: current.name,
                reason: "its \(current.byteCount) bytes (\(current.type), shape \(current.shape)) at data offset "
                    + "\(current.offset) overlap tensor '\(next.name)' at offset \(next.offset)")
        }
    }
}
