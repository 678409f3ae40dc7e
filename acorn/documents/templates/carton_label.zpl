{# GS1 logistics label, 4x6 in at 203 dpi (812 x 1218 dots), from one LogisticsLabel
   (acorn/documents/labels.py). Text fields use ^FH so the zpl filter's _XX escapes are
   decoded by the printer; ^CI28 = UTF-8. pallet_label.zpl extends this and changes the
   order zone's heading. #}
^XA
^CI28
^PW812
^LL1218
^LH0,0
^FX ship from
^FO30,30^A0N,22,22^FDSHIP FROM^FS
^FO30,60^A0N,26,26^FB370,1,0,L^FH^FD{{ label.ship_from.name | zpl }}^FS
{% for line in label.ship_from.lines[:4] %}
^FO30,{{ 92 + loop.index0 * 28 }}^A0N,24,24^FB370,1,0,L^FH^FD{{ line | zpl }}^FS
{% endfor %}
^FO410,20^GB3,260,3^FS
^FX ship to: fulfilment centre
^FO430,30^A0N,22,22^FDSHIP TO^FS
^FO430,58^A0N,70,70^FH^FD{{ label.ship_to.code | zpl }}^FS
^FO430,134^A0N,24,24^FB360,1,0,L^FH^FD{{ label.ship_to.name | zpl }}^FS
{% for line in label.ship_to.lines[:4] %}
^FO430,{{ 162 + loop.index0 * 28 }}^A0N,24,24^FB360,1,0,L^FH^FD{{ line | zpl }}^FS
{% endfor %}
^FO0,290^GB812,3,3^FS
^FX carrier
^FO30,310^A0N,26,26^FH^FDCARRIER: {{ label.carrier_scac | zpl }}^FS
^FO430,310^A0N,26,26^FH^FDPRO: {{ label.pro_number | zpl }}^FS
{% if label.bill_of_lading %}
^FO30,350^A0N,26,26^FH^FDBOL: {{ label.bill_of_lading | zpl }}^FS
{% elif label.tracking_number %}
^FO30,350^A0N,26,26^FB380,1,0,L^FH^FDTRACKING: {{ label.tracking_number | zpl }}^FS
{% endif %}
^FO430,350^A0N,26,26^FH^FDSHIPMENT: {{ label.shipment_identifier | zpl }}^FS
^FO0,395^GB812,3,3^FS
^FX order
^FO30,415^A0N,26,26^FDPO NUMBER^FS
^FO30,450^A0N,60,60^FB460,1,0,L^FH^FD{{ label.po_numbers | join(", ") | zpl }}^FS
{% block position %}
^FO500,415^A0N,26,26^FDCARTON^FS
^FO500,450^A0N,60,60^FD{{ label.position }} OF {{ label.count }}^FS
{% endblock %}
{% set top = 574 if label.mixed else 540 %}
{% if label.mixed %}
^FO30,540^A0N,28,28^FDMIXED^FS
{% endif %}
^FX contents: quantity x vendor SKU ASIN asin
{% for line in contents %}
^FO30,{{ top + loop.index0 * 34 }}^A0N,28,28^FB750,1,0,L^FH^FD{{ line | zpl }}^FS
{% endfor %}
{% if more_contents %}
^FO30,{{ top + contents | length * 34 }}^A0N,28,28^FD+{{ more_contents }} more lines^FS
{% endif %}
^FX end contents
^FO0,760^GB812,3,3^FS
^FX SSCC: GS1-128, subset C, FNC1, AI 00
^FO30,780^A0N,26,26^FDSSCC^FS
^FO90,820^BY4^BCN,260,N,N,N^FD{{ barcode }}^FS
^FO30,1110^A0N,44,44^FD{{ label.human_readable }}^FS
^XZ
