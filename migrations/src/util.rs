//! Column and index helpers shared by the migrations.

use sea_orm_migration::prelude::*;

pub fn id(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).uuid().not_null().primary_key().to_owned()
}

pub fn uuid(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).uuid().not_null().to_owned()
}

pub fn uuid_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).uuid().null().to_owned()
}

pub fn text(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().not_null().to_owned()
}

pub fn text_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().null().to_owned()
}

pub fn fen(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().default(0).to_owned()
}

pub fn fen_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).big_integer().null().to_owned()
}

pub fn int(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).integer().not_null().default(0).to_owned()
}


pub fn bool(name: &'static str, default: bool) -> ColumnDef {
    ColumnDef::new(name).boolean().not_null().default(default).to_owned()
}

pub fn at(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().not_null().to_owned()
}

pub fn at_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().null().to_owned()
}

pub async fn index(
    manager: &SchemaManager<'_>,
    table: &'static str,
    name: &'static str,
    columns: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement.name(name).table(table);
    for column in columns {
        statement.col(*column);
    }
    if unique {
        statement.unique();
    }
    manager.create_index(statement).await
}

pub async fn table(manager: &SchemaManager<'_>, name: &'static str, columns: Vec<ColumnDef>) -> Result<(), DbErr> {
    let mut statement = Table::create();
    statement.table(name);
    for mut column in columns {
        statement.col(&mut column);
    }
    manager.create_table(statement).await
}

pub async fn table_with_pk(
    manager: &SchemaManager<'_>,
    name: &'static str,
    columns: Vec<ColumnDef>,
    pk: &[&'static str],
) -> Result<(), DbErr> {
    let mut statement = Table::create();
    statement.table(name);
    for mut column in columns {
        statement.col(&mut column);
    }
    let mut key = Index::create();
    for column in pk {
        key.col(*column);
    }
    statement.primary_key(&mut key);
    manager.create_table(statement).await
}

pub async fn drop(manager: &SchemaManager<'_>, names: &[&'static str]) -> Result<(), DbErr> {
    for name in names {
        manager.drop_table(Table::drop().table(*name).if_exists().to_owned()).await?;
    }
    Ok(())
}

pub fn int_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).integer().null().to_owned()
}
