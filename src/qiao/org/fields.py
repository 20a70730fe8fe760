from django import forms


class DepartmentChoiceField(forms.ModelChoiceField):
    """Departments listed in tree order, indented by depth, so the tree reads in a drop-down."""

    def label_from_instance(self, department):
        return "\u3000" * (department.depth - 1) + department.name
