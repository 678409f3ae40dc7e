{# A pallet's GS1 logistics label: the carton label's layout, with "PALLET n OF N" and
   the number of cartons on the pallet; contents are the sum of its cartons. #}
{% extends "carton_label.zpl" %}
{% block position %}
^FO500,415^A0N,26,26^FDPALLET^FS
^FO500,450^A0N,60,60^FD{{ label.position }} OF {{ label.count }}^FS
^FO500,512^A0N,24,24^FDCARTONS: {{ label.cartons_on_pallet }}^FS
{% endblock %}
