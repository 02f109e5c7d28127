/** Saves `csv()` as a file (UTF-8 with a byte-order mark, so Excel reads accents right). */
export function CsvButton({
  filename,
  csv,
  disabled,
  label = 'Export CSV',
}: {
  filename: string;
  csv: () => string;
  disabled?: boolean;
  label?: string;
}) {
  const save = (): void => {
    const blob = new Blob(['\ufeff', csv()], { type: 'text/csv;charset=utf-8' });
    const href = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = href;
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(href), 1000);
  };
  return (
    <button type="button" className="btn" onClick={save} disabled={disabled}>
      {label}
    </button>
  );
}
