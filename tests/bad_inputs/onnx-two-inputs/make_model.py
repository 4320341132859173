# Add of two graph inputs: ftsim trains a network with one data input.
import onnx
from onnx import TensorProto, helper
a = helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 4, 8, 8])
b = helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 4, 8, 8])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 8, 8])
g = helper.make_graph([helper.make_node("Add", ["a", "b"], ["y"])], "two", [a, b], [y])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "model.onnx")
