import type { ComponentProps, ReactNode } from "react";
import { KeysetPager } from "./list-navigation";

export type DataTableColumn<Row> = {
  /** The column header's text; read by screen readers alone when `hideHeader` (a column of buttons). */
  header: string;
  hideHeader?: boolean;
  cell: (row: Row) => ReactNode;
  /** Classes of the column's cells (and of its header, where they set a width or an alignment). */
  className?: string;
  headerClassName?: string;
  /** The cell's tooltip, for a value the cell truncates. */
  title?: (row: Row) => string | undefined;
};

const classes = (...names: (string | undefined)[]) => names.filter(Boolean).join(" ");

const variants = {
  // A list page's table: in a bordered box of its own, scrolling sideways when too wide.
  boxed: {
    head: "bg-slate-50 text-xs text-slate-600 uppercase",
    cell: "px-4 py-2",
  },
  // A table inside a card: no box, the card is one.
  plain: {
    head: "text-xs text-slate-500 uppercase",
    cell: "py-2 pr-3 last:pr-0",
  },
};

/**
 * A table of rows, one column per `columns` entry, rendered on the server. With no rows it shows
 * `empty` instead (a string as a line of text, an element such as `EmptyState` as it is); without
 * `empty` the header shows alone. `pager` adds the list's `KeysetPager` after it.
 */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  rowClassName,
  caption,
  label,
  empty,
  pager,
  variant = "boxed",
  className,
}: {
  columns: DataTableColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  rowClassName?: string;
  /** A caption read by screen readers, which also names the table. */
  caption?: string;
  /** The table's accessible name, when it has no caption. */
  label?: string;
  empty?: ReactNode;
  pager?: ComponentProps<typeof KeysetPager>;
  variant?: keyof typeof variants;
  className?: string;
}) {
  const style = variants[variant];
  let content: ReactNode;
  if (rows.length === 0 && empty !== undefined) {
    content = typeof empty === "string" ? <p className="text-sm text-slate-600">{empty}</p> : empty;
  } else {
    const table = (
      <table className={classes("w-full text-left text-sm", variant === "plain" ? className : undefined)} aria-label={label}>
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead className={style.head}>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col" className={classes(style.cell, "font-medium", column.headerClassName)}>
                {column.hideHeader ? <span className="sr-only">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={rowKey(row)} className={rowClassName}>
              {columns.map((column) => (
                <td key={column.header} className={classes(style.cell, column.className)} title={column.title?.(row)}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
    content =
      variant === "boxed" ? (
        <div className={classes("overflow-x-auto rounded-lg border border-slate-200 bg-white", className)}>{table}</div>
      ) : (
        table
      );
  }
  return (
    <>
      {content}
      {pager && <KeysetPager {...pager} />}
    </>
  );
}
