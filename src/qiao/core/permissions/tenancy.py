def org_records(queryset, user, action: str = "view", manage_code: str = "org.manage"):
    """Organization-wide reference data (departments, employees, roles): every employee of the
    organization may view it; editing and deleting need `manage_code`. Outside any organization,
    nothing."""
    if not user.is_authenticated or user.org_id is None or not user.is_active:
        return queryset.none()
    queryset = queryset.filter(org_id=user.org_id)
    if action != "view" and not user.has_code(manage_code):
        return queryset.none()
    return queryset
