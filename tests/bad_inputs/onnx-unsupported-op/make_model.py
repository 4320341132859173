# A one-node model: Einsum, which ftsim does not simulate.
import onnx
from onnx import TensorProto, helper
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
node = helper.make_node("Einsum", ["x"], ["y"], equation="ij->ij")
g = helper.make_graph([node], "einsum", [x], [y])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "model.onnx")
